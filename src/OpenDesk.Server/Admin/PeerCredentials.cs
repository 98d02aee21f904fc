using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OpenDesk.Server.Admin;

/// <summary>
/// Who is on the other end of a Unix domain socket. The socket file's 0600 mode already keeps other users
/// out, but there is a moment between bind and chmod when it has the umask's mode, and a home directory may
/// have been made traversable; asking the kernel for the peer's uid closes both gaps.
/// </summary>
public static partial class PeerCredentials
{
    // Linux: getsockopt(SOL_SOCKET, SO_PEERCRED) fills struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private const int UcredSize = 12;
    private const int UcredUidOffset = 4;

    // macOS and FreeBSD: getsockopt(SOL_LOCAL, LOCAL_PEERCRED) fills struct xucred
    // { u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]; }.
    private const int SolLocal = 0;
    private const int LocalPeerCred = 1;
    private const int XucredSize = 76;
    private const int XucredUidOffset = 4;

    public static uint EffectiveUserId => GetEffectiveUserId();

    /// <summary>
    /// The peer's uid as the kernel recorded it at connect time, or null when the platform or socket cannot
    /// tell; callers must treat null as "not the owner" so an unknown peer is refused, not admitted.
    /// </summary>
    public static uint? PeerUserId(Socket socket)
    {
        int level, name, size, uidOffset;
        if (OperatingSystem.IsLinux() || OperatingSystem.IsAndroid())
        {
            (level, name, size, uidOffset) = (SolSocket, SoPeerCred, UcredSize, UcredUidOffset);
        }
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            (level, name, size, uidOffset) = (SolLocal, LocalPeerCred, XucredSize, XucredUidOffset);
        }
        else
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[XucredSize];
        int written;
        try
        {
            written = socket.GetRawSocketOption(level, name, buffer[..size]);
        }
        catch (SocketException)
        {
            return null;
        }

        if (written < uidOffset + sizeof(uint))
        {
            return null;
        }

        return MemoryMarshal.Read<uint>(buffer[uidOffset..]);
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
