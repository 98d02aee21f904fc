using System.Buffers.Binary;
using System.Net.Sockets;

namespace OpenDesk.Transport;

/// <summary>
/// What the kernel knows about our outgoing data on one TCP connection: how many bytes the peer has acknowledged,
/// and whether data is still waiting for it. Data the kernel merely accepted is no evidence of a live peer
/// (socket buffers hold megabytes); acknowledged bytes advancing while more wait is.
/// </summary>
/// <remarks>Read from Linux's <c>TCP_INFO</c>; elsewhere, or once the socket is gone, it knows nothing.</remarks>
public sealed class TcpDelivery(Socket socket)
{
    private const int IpProtoTcp = 6;
    private const int TcpInfoOption = 11;

    // Offsets in struct tcp_info (linux/tcp.h), stable since Linux 4.6.
    private const int UnackedOffset = 24;
    private const int BytesAckedOffset = 120;
    private const int NotSentBytesOffset = 144;
    private const int MinimumLength = NotSentBytesOffset + 4;

    private bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Reads the counters; false when they cannot be known (not Linux, an old kernel, a closed socket).</summary>
    public bool TryRead(out long bytesAcknowledged, out bool backlog)
    {
        bytesAcknowledged = 0;
        backlog = false;
        if (_unavailable)
        {
            return false;
        }

        Span<byte> info = stackalloc byte[256];
        try
        {
            if (socket.GetRawSocketOption(IpProtoTcp, TcpInfoOption, info) < MinimumLength)
            {
                _unavailable = true;
                return false;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            return false;
        }

        bytesAcknowledged = (long)BinaryPrimitives.ReadUInt64LittleEndian(info[BytesAckedOffset..]);
        backlog = BinaryPrimitives.ReadUInt32LittleEndian(info[UnackedOffset..]) > 0 || BinaryPrimitives.ReadUInt32LittleEndian(info[NotSentBytesOffset..]) > 0;
        return true;
    }
}
