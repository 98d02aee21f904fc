using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OpenDesk.Bench;

/// <summary>
/// A bare client side of RFC 6455 for the attack floods: it upgrades, then sends exactly the bytes it is told
/// to (a handshake message, a giant message, or nothing at all), which a well-behaved client library never does.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawWebSocket(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>A TCP connection that has not upgraded (and never will, for the idle flood).</summary>
    public static async Task<Socket> ConnectTcpAsync(int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and completes the HTTP upgrade on <c>/</c>; throws unless the server answers 101.</summary>
    public static async Task<RawWebSocket> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var socket = await ConnectTcpAsync(port, cancellationToken).ConfigureAwait(false);
        var ws = new RawWebSocket(socket);
        try
        {
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await ws._stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
            var head = await ws.ReadHttpHeadAsync(cancellationToken).ConfigureAwait(false);
            if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new IOException($"upgrade refused: {head.Split('\r')[0]}");
            }

            return ws;
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    public Task SendBinaryAsync(byte[] payload, CancellationToken cancellationToken) =>
        SendBinaryAsync(payload.Length, payload, cancellationToken);

    /// <summary>
    /// One masked binary message of <paramref name="length"/> bytes, the payload being <paramref name="chunk"/>
    /// repeated: a multi-MiB message costs the sender one small buffer.
    /// </summary>
    public async Task SendBinaryAsync(long length, byte[] chunk, CancellationToken cancellationToken)
    {
        var header = new byte[14];
        header[0] = 0x82;
        int headerLength;
        if (length < 126)
        {
            header[1] = (byte)(0x80 | length);
            headerLength = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            header[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)length);
            headerLength = 4;
        }
        else
        {
            header[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)length);
            headerLength = 10;
        }

        // A zero mask leaves the payload as it is; the server must accept any mask.
        await _stream.WriteAsync(header.AsMemory(0, headerLength + 4), cancellationToken).ConfigureAwait(false);
        for (var sent = 0L; sent < length;)
        {
            var count = (int)Math.Min(chunk.Length, length - sent);
            await _stream.WriteAsync(chunk.AsMemory(0, count), cancellationToken).ConfigureAwait(false);
            sent += count;
        }
    }

    /// <summary>The payload of the next server message, or null when the server closed.</summary>
    public async Task<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var header = new byte[2];
        if (!await ReadExactlyOrEndAsync(header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        long length = header[1] & 0x7f;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended, cancellationToken).ConfigureAwait(false);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended, cancellationToken).ConfigureAwait(false);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        if (length > 1 << 20)
        {
            throw new IOException($"server message of {length} bytes before any handshake");
        }

        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return (header[0] & 0x0f) == 0x8 ? null : payload;
    }

    public void Dispose() => _stream.Dispose();

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await _stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length;
    }

    private async Task<string> ReadHttpHeadAsync(CancellationToken cancellationToken)
    {
        var head = new List<byte>(256);
        var one = new byte[1];
        while (head.Count < 8192)
        {
            if (await _stream.ReadAsync(one, cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new IOException("server closed during the upgrade");
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^1] == '\n' && head[^2] == '\r' && head[^3] == '\n' && head[^4] == '\r')
            {
                return Encoding.ASCII.GetString(head.ToArray());
            }
        }

        throw new IOException("upgrade response head too long");
    }
}
