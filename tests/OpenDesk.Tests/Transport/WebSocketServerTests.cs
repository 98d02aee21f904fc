using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using OpenDesk.Server.Transport;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

public sealed class WebSocketServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static Task<IMessageTransport> ConnectAsync(Uri uri, TransportOptions? options = null) =>
        WebSocketConnector.ConnectAsync(uri, options ?? ServerHarness.Options(), Wait, CancellationToken.None);

    [Fact]
    public async Task Any_request_path_is_accepted()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri("/some/path?x=1"));
        var server = (await harness.AcceptAsync()).Transport;

        await client.SendAsync(new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await server.ReceiveAsync().AsTask().WaitAsync(Wait));
    }

    [Fact]
    public async Task Server_stop_closes_connections_with_going_away_and_cancels_callbacks()
    {
        var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var first = await harness.AcceptAsync();
        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(harness.Uri(), CancellationToken.None);
        var second = await harness.AcceptAsync();

        var clientReceive = client.ReceiveAsync().AsTask();
        var rawReceive = raw.ReceiveAsync(new byte[256], CancellationToken.None);
        await harness.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(8));

        Assert.Null(await clientReceive.WaitAsync(Wait));
        Assert.Equal(WebSocketMessageType.Close, (await rawReceive.WaitAsync(Wait)).MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, raw.CloseStatus);
        Assert.True(first.Stopping.IsCancellationRequested);
        Assert.True(second.Stopping.IsCancellationRequested);

        // No new connections once stopped, and stopping again is harmless.
        await Assert.ThrowsAsync<ConnectionClosedException>(() => ConnectAsync(harness.Uri()));
        await harness.DisposeAsync();
    }

    [Fact]
    public async Task Server_closes_the_transport_when_the_callback_returns()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var connection = await harness.AcceptAsync();

        var receive = client.ReceiveAsync().AsTask();
        connection.Done.SetResult();
        Assert.Null(await receive.WaitAsync(Wait));
    }

    [Fact]
    public async Task Plain_http_requests_get_426()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{harness.Port}/"));
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("localhost")]
    [InlineData("::")]
    public async Task Binds_to_common_hosts(string host)
    {
        if (host == "::" && !Socket.OSSupportsIPv6)
        {
            return;
        }

        await using var harness = await ServerHarness.StartAsync(host: host);
        Assert.NotEqual(0, harness.Port);
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        await client.SendAsync(new byte[] { 7 });
        Assert.Equal(new byte[] { 7 }, await server.ReceiveAsync().AsTask().WaitAsync(Wait));
    }

    [Fact]
    public async Task A_port_in_use_is_reported_clearly()
    {
        await using var first = await ServerHarness.StartAsync();
        var error = await Assert.ThrowsAsync<OpenDeskException>(() => WebSocketServer.StartAsync(
            "127.0.0.1", first.Port, new TransportOptions(), (_, _) => Task.CompletedTask, CancellationToken.None));
        Assert.Equal($"cannot listen on 127.0.0.1:{first.Port}: address already in use", error.Message);
    }
}
