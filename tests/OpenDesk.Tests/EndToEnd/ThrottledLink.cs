using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// A loopback TCP relay for one connection whose server-to-client direction carries at most a given number of
/// bytes per second: a slow link in the direction of large results, with the usual buffers on both ends.
/// </summary>
internal sealed class ThrottledLink : IDisposable
{
    private const int Chunk = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();

    private ThrottledLink(TcpListener listener) => _listener = listener;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static Task<ThrottledLink> StartAsync(int upstreamPort, int bytesPerSecond)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var link = new ThrottledLink(listener);
        _ = link.RelayAsync(upstreamPort, bytesPerSecond);
        return Task.FromResult(link);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task RelayAsync(int upstreamPort, int bytesPerSecond)
    {
        try
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, upstreamPort, _stop.Token);
            var toServer = PumpAsync(client.GetStream(), upstream.GetStream(), null);
            var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), bytesPerSecond);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, int? bytesPerSecond)
    {
        var buffer = new byte[Chunk];
        var clock = Stopwatch.StartNew();
        long sent = 0;
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                sent += read;
                if (bytesPerSecond is { } rate)
                {
                    var due = TimeSpan.FromSeconds((double)sent / rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, _stop.Token);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            try
            {
                to.Socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
