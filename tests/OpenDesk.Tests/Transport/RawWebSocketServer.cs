using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace OpenDesk.Tests.Transport;

/// <summary>
/// A hand-written listener that answers one WebSocket upgrade and then does nothing at all (never reads, never
/// pings), or answers with an arbitrary HTTP response: a server <c>WebSocketServer</c> would never be.
/// </summary>
internal sealed class RawWebSocketServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _accepted = [];

    public RawWebSocketServer()
    {
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Accepts one connection and completes its upgrade; the connection then stays silent.</summary>
    public Task<TcpClient> AcceptUpgradeAsync() => AcceptAsync(request =>
    {
        string key = request.Split("\r\n")
            .First(line => line.StartsWith("Sec-WebSocket-Key:", StringComparison.OrdinalIgnoreCase))["Sec-WebSocket-Key:".Length..]
            .Trim();
        string accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        return $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n";
    });

    /// <summary>Accepts one connection and answers its request with <paramref name="response"/>.</summary>
    public Task<TcpClient> AcceptAndAnswerAsync(string response) => AcceptAsync(_ => response);

    /// <summary>Accepts one connection and never answers.</summary>
    public async Task<TcpClient> AcceptSilentlyAsync()
    {
        TcpClient client = await _listener.AcceptTcpClientAsync();
        lock (_accepted)
        {
            _accepted.Add(client);
        }

        return client;
    }

    public void Dispose()
    {
        _listener.Stop();
        lock (_accepted)
        {
            foreach (TcpClient client in _accepted)
            {
                client.Dispose();
            }
        }
    }

    private async Task<TcpClient> AcceptAsync(Func<string, string> respond)
    {
        TcpClient client = await AcceptSilentlyAsync();
        NetworkStream stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                throw new IOException("client left during the upgrade");
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(respond(request.ToString())));
        return client;
    }
}
