using System.Runtime.InteropServices;

namespace OpenDesk.Server.Admin;

/// <summary>
/// Who owns a file, and what that user is called, for telling someone probing another user's admin socket why
/// they cannot use it. .NET exposes a file's mode but not its owner, so this asks the kernel directly.
/// </summary>
internal static partial class FileOwner
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;

    private const int XOk = 1;
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;

    // struct statx is 256 bytes; stx_uid is the u32 at offset 20 (after mask, blksize, attributes and nlink).
    private const int StatxSize = 256;
    private const int StatxUidOffset = 20;

    // struct passwd begins with char *pw_name on Linux and macOS alike; 128 bytes covers the whole struct on both.
    private const int PasswdSize = 128;

    /// <summary>The result of looking at a path: its owner's uid, or the errno that stopped the lookup.</summary>
    /// <param name="Uid">The owner, when <paramref name="Errno"/> is 0.</param>
    /// <param name="Errno">0, or why the path could not be examined (e.g. <see cref="ENOENT"/>, <see cref="EACCES"/>).</param>
    public readonly record struct Lookup(uint Uid, int Errno);

    /// <summary>Whether this platform can tell (Linux, through statx); elsewhere callers fall back to what connect reports.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>The owner of <paramref name="path"/> itself (a symlink is not followed).</summary>
    public static Lookup Of(string path)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("file owners are only looked up on Linux");
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxUid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return new Lookup(0, Marshal.GetLastPInvokeError());
        }

        return new Lookup(MemoryMarshal.Read<uint>(buffer[StatxUidOffset..]), 0);
    }

    /// <summary>The login name of <paramref name="uid"/>, or null when the user database has none.</summary>
    public static unsafe string? UserName(uint uid)
    {
        var entry = stackalloc byte[PasswdSize];
        var strings = new byte[16 * 1024];
        fixed (byte* buffer = strings)
        {
            if (GetPwUidR(uid, entry, buffer, (nuint)strings.Length, out var result) != 0 || result == 0)
            {
                return null;
            }

            return Marshal.PtrToStringUTF8(*(nint*)entry);
        }
    }

    /// <summary>Whether this process may pass through <paramref name="directory"/> (execute permission) to reach what is inside.</summary>
    public static bool CanSearch(string directory) => Access(directory, XOk) == 0;

    /// <summary>E.g. <c>alice (uid 1000)</c>, or <c>uid 1000</c> for a user the database does not know.</summary>
    public static string Describe(uint uid) =>
        UserName(uid) is { Length: > 0 } name ? $"{name} (uid {uid})" : $"uid {uid}";

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetPwUidR(uint uid, byte* entry, byte* buffer, nuint bufferSize, out nint result);
}
