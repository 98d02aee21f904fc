using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OpenDesk.Tests.Transport;

/// <summary>
/// A WebSocket client written by hand on a <see cref="TcpClient"/>, for peers that misbehave in ways
/// <see cref="System.Net.WebSockets.ClientWebSocket"/> cannot: never reading (so never answering pings), or
/// announcing a frame far larger than it sends.
/// </summary>
internal sealed class RawWebSocketClient : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocketClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <param name="port">The server's loopback port.</param>
    /// <param name="path">The request path.</param>
    /// <param name="source">The local address to connect from (any of 127.0.0.0/8), to look like another host.</param>
    public static async Task<RawWebSocketClient> ConnectAsync(int port, string path = "/", IPAddress? source = null)
    {
        var tcp = new TcpClient(new IPEndPoint(source ?? IPAddress.Loopback, 0));
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port);
            var client = new RawWebSocketClient(tcp);
            string key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            string request =
                $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await client._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            string response = await client.ReadHeadersAsync();
            if (!response.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"upgrade refused: {response}");
            }

            return client;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Writes a masked frame header (with an all-zero mask, so the payload can be sent as is).</summary>
    public async Task SendFrameHeaderAsync(byte opcode, bool fin, long payloadLength)
    {
        var header = new byte[14];
        header[0] = (byte)((fin ? 0x80 : 0) | opcode);
        int length;
        if (payloadLength < 126)
        {
            header[1] = (byte)(0x80 | payloadLength);
            length = 2;
        }
        else if (payloadLength <= ushort.MaxValue)
        {
            header[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)payloadLength);
            length = 4;
        }
        else
        {
            header[1] = 0x80 | 127;
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(2), payloadLength);
            length = 10;
        }

        // The 4 mask bytes stay zero.
        await _stream.WriteAsync(header.AsMemory(0, length + 4));
    }

    public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default) =>
        _stream.WriteAsync(bytes, cancellationToken);

    /// <summary>Resets the TCP connection without any WebSocket close, like a cable pull noticed by the OS.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public void Dispose() => _tcp.Dispose();

    /// <summary>Reads and discards until the server closes the connection; false when it is still open after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForCloseAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string> ReadHeadersAsync()
    {
        var received = new List<byte>();
        var one = new byte[1];
        while (received.Count < 4 || received[^4] != '\r' || received[^3] != '\n' || received[^2] != '\r' || received[^1] != '\n')
        {
            if (await _stream.ReadAsync(one) == 0)
            {
                throw new IOException("connection closed during the upgrade");
            }

            received.Add(one[0]);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }
}
