using System.Diagnostics;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

public sealed class KeepAliveTests
{
    private static TransportOptions FastKeepAlive()
    {
        var options = ServerHarness.Options();
        options.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
        options.KeepAliveTimeout = TimeSpan.FromMilliseconds(500);
        return options;
    }

    [Fact]
    public async Task Server_detects_a_client_that_stops_answering_pings()
    {
        await using var harness = await ServerHarness.StartAsync(FastKeepAlive());

        // Completes the upgrade and then never reads, so the server's pings are never answered.
        using var silent = await RawWebSocketClient.ConnectAsync(harness.Port);
        var connection = await harness.AcceptAsync();

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(
            async () => await connection.Transport.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(6)));

        Assert.Equal("peer disconnected (keepalive timeout: no pong)", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Client_detects_a_server_that_stops_answering_pings()
    {
        using var raw = new RawWebSocketServer();
        var accepted = raw.AcceptUpgradeAsync();
        await using var client = await WebSocketConnector.ConnectAsync(
            new Uri($"ws://127.0.0.1:{raw.Port}/"), FastKeepAlive(), TimeSpan.FromSeconds(5), CancellationToken.None);
        await accepted;

        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(
            async () => await client.ReceiveAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(6)));

        Assert.Equal("peer disconnected (keepalive timeout: no pong)", error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Peers_that_answer_pings_stay_connected_while_idle()
    {
        // A pong may take a while on a loaded test machine; unanswered pings would still end the connection
        // well within the idle period below.
        var options = FastKeepAlive();
        options.KeepAliveTimeout = TimeSpan.FromSeconds(1.5);
        await using var harness = await ServerHarness.StartAsync(options);
        await using var client = await WebSocketConnector.ConnectAsync(harness.Uri(), options, TimeSpan.FromSeconds(5), CancellationToken.None);
        var connection = await harness.AcceptAsync();

        // Both sides keep a receive pending, as the session layer does; that is what answers pings.
        var serverReceive = connection.Transport.ReceiveAsync().AsTask();
        var clientReceive = client.ReceiveAsync().AsTask();
        await Task.Delay(TimeSpan.FromSeconds(2.8));
        Assert.False(serverReceive.IsCompleted, "server receive ended while idle");
        Assert.False(clientReceive.IsCompleted, "client receive ended while idle");

        await client.SendAsync(new byte[] { 1 });
        Assert.Equal(new byte[] { 1 }, await serverReceive.WaitAsync(TimeSpan.FromSeconds(5)));
        await connection.Transport.SendAsync(new byte[] { 2 });
        Assert.Equal(new byte[] { 2 }, await clientReceive.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
