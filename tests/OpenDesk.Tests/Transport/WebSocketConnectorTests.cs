using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

public sealed class WebSocketConnectorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static Task<IMessageTransport> ConnectAsync(Uri uri, TransportOptions? options = null) =>
        WebSocketConnector.ConnectAsync(uri, options ?? ServerHarness.Options(), Wait, CancellationToken.None);

    [Fact]
    public async Task Connecting_to_a_closed_port_says_connection_refused()
    {
        using var refusing = EndToEnd.LocalPorts.Refusing();
        var port = EndToEnd.LocalPorts.PortOf(refusing);

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => ConnectAsync(new Uri($"ws://127.0.0.1:{port}")));
        Assert.StartsWith($"cannot connect to 127.0.0.1:{port}: connection refused", error.Message);
    }

    [Fact]
    public async Task Connecting_to_a_silent_server_times_out()
    {
        using var raw = new RawWebSocketServer();
        _ = raw.AcceptSilentlyAsync();
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => WebSocketConnector.ConnectAsync(
            new Uri($"ws://127.0.0.1:{raw.Port}"), new TransportOptions(), TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.StartsWith($"cannot connect to 127.0.0.1:{raw.Port}: no answer within 0.3 s", error.Message);
    }

    [Fact]
    public async Task Connecting_to_a_non_websocket_server_names_the_http_status()
    {
        using var raw = new RawWebSocketServer();
        _ = raw.AcceptAndAnswerAsync("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => ConnectAsync(new Uri($"ws://127.0.0.1:{raw.Port}")));
        Assert.StartsWith($"cannot connect to 127.0.0.1:{raw.Port}: server answered HTTP 404", error.Message);
    }

    [Fact]
    public async Task Connect_cancellation_is_not_a_connection_error()
    {
        using var raw = new RawWebSocketServer();
        _ = raw.AcceptSilentlyAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => WebSocketConnector.ConnectAsync(
            new Uri($"ws://127.0.0.1:{raw.Port}"), new TransportOptions(), Wait, cts.Token));
    }

    [Fact]
    public async Task Only_websocket_urls_are_accepted()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => ConnectAsync(new Uri("http://127.0.0.1:8423")));
    }
}
