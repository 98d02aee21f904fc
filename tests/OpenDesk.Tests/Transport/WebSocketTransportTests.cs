using System.Net;
using System.Net.WebSockets;
using System.Text;
using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

public sealed class WebSocketTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static Task<IMessageTransport> ConnectAsync(Uri uri, TransportOptions? options = null) =>
        WebSocketConnector.ConnectAsync(uri, options ?? ServerHarness.Options(), Wait, CancellationToken.None);

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Small_and_large_binary_messages_round_trip()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        byte[][] messages = [[], [42], RandomBytes(100), RandomBytes(16 * 1024), RandomBytes(16 * 1024 + 1), RandomBytes(5 * 1024 * 1024)];
        foreach (byte[] message in messages)
        {
            // Sending and receiving overlap: a large send completes only once the peer reads.
            var send = client.SendAsync(message).AsTask();
            byte[]? atServer = await server.ReceiveAsync().AsTask().WaitAsync(Wait);
            await send.WaitAsync(Wait);
            Assert.Equal(message, atServer);

            send = server.SendAsync(atServer).AsTask();
            Assert.Equal(message, await client.ReceiveAsync().AsTask().WaitAsync(Wait));
            await send.WaitAsync(Wait);
        }
    }

    [Fact]
    public async Task Remote_addresses_are_ip_and_port()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        Assert.Equal($"127.0.0.1:{harness.Port}", client.RemoteAddress);
        Assert.Matches(@"^127\.0\.0\.1:\d+$", server.RemoteAddress);
    }

    [Fact]
    public void Addresses_are_formatted_like_upstream()
    {
        Assert.Equal("10.0.0.7:8423", WebSocketMessageTransport.FormatAddress(IPAddress.Parse("::ffff:10.0.0.7"), 8423));
        Assert.Equal("::1:8423", WebSocketMessageTransport.FormatAddress(IPAddress.IPv6Loopback, 8423));
        Assert.Equal("?", WebSocketMessageTransport.FormatAddress(null, 8423));
        Assert.Equal("?", WebSocketMessageTransport.FormatAddress(null));
    }

    [Fact]
    public async Task A_text_message_closes_the_connection_with_the_upstream_message()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var raw = new ClientWebSocket();
        await raw.ConnectAsync(harness.Uri(), CancellationToken.None);
        var server = (await harness.AcceptAsync()).Transport;

        var receive = server.ReceiveAsync().AsTask();
        await raw.SendAsync(Encoding.UTF8.GetBytes("hello"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => receive.WaitAsync(Wait));
        Assert.Equal("received text frame; opendesk protocol is binary-only", error.Message);

        // The peer is told why before the socket goes away.
        var result = await raw.ReceiveAsync(new byte[256], CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(WebSocketMessageType.Close, result.MessageType);
        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, raw.CloseStatus);

        // The violation sticks: later calls report it rather than pretending the stream ended.
        var again = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await server.ReceiveAsync());
        Assert.Equal(error.Message, again.Message);
        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await server.SendAsync(new byte[1]));
    }

    [Fact]
    public async Task An_oversize_message_is_rejected()
    {
        var options = ServerHarness.Options();
        options.MaxMessageBytes = 1024 * 1024;
        await using var harness = await ServerHarness.StartAsync(options);
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        // Exactly at the limit is fine.
        byte[] atLimit = RandomBytes(1024 * 1024);
        var send = client.SendAsync(atLimit).AsTask();
        Assert.Equal(atLimit, await server.ReceiveAsync().AsTask().WaitAsync(Wait));
        await send.WaitAsync(Wait);

        var receive = server.ReceiveAsync().AsTask();
        try
        {
            await client.SendAsync(RandomBytes(2 * 1024 * 1024));
        }
        catch (ConnectionClosedException)
        {
            // The server may abort while the client is still writing.
        }

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => receive.WaitAsync(Wait));
        Assert.Equal("message exceeds the 1048576-byte limit", error.Message);

        // The client sees the connection end one way or the other.
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (await client.ReceiveAsync().AsTask().WaitAsync(Wait) is null)
            {
                throw new ConnectionClosedException("closed");
            }
        });
    }

    [Fact]
    public async Task Client_close_makes_the_server_receive_null()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        var receive = server.ReceiveAsync().AsTask();
        await client.CloseAsync().AsTask().WaitAsync(Wait);
        Assert.Null(await receive.WaitAsync(Wait));
        Assert.Null(await server.ReceiveAsync());

        var serverSend = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await server.SendAsync(new byte[1]));
        Assert.Equal("peer closed the connection", serverSend.Message);

        // Closing is idempotent, and the closed side neither sends nor receives.
        await client.CloseAsync();
        await client.DisposeAsync();
        Assert.Null(await client.ReceiveAsync());
        var clientSend = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await client.SendAsync(new byte[1]));
        Assert.Equal("connection is closed", clientSend.Message);
    }

    [Fact]
    public async Task Close_gives_up_on_a_silent_peer_after_the_close_timeout()
    {
        using var raw = new RawWebSocketServer();
        var accepted = raw.AcceptUpgradeAsync();
        var options = new TransportOptions { KeepAliveInterval = TimeSpan.Zero, CloseTimeout = TimeSpan.FromMilliseconds(300) };
        var client = await ConnectAsync(new Uri($"ws://127.0.0.1:{raw.Port}/"), options);
        await accepted;

        var watch = System.Diagnostics.Stopwatch.StartNew();
        await client.CloseAsync().AsTask().WaitAsync(Wait);
        // Without the close timeout a silent peer would hold the close forever; the upper bound only has to tell
        // "gave up" from "hung", and a loaded 2-core machine has been seen to add well over a second.
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), Wait);
    }

    [Fact]
    public async Task A_dropped_peer_surfaces_as_peer_disconnected()
    {
        await using var harness = await ServerHarness.StartAsync();
        using var raw = await RawWebSocketClient.ConnectAsync(harness.Port);
        var server = (await harness.AcceptAsync()).Transport;

        var receive = server.ReceiveAsync().AsTask();
        raw.Reset();

        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => receive.WaitAsync(Wait));
        Assert.Equal("peer disconnected", error.Message);
    }

    [Fact]
    public async Task Cancellation_stays_an_OperationCanceledException()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await server.ReceiveAsync(cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.SendAsync(new byte[1], cts.Token));

        // A WebSocket cannot survive a cancelled receive; the next call says what happened.
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await server.ReceiveAsync());
        Assert.Equal("connection aborted because an operation on it was cancelled", error.Message);
    }

    [Fact]
    public async Task Concurrent_senders_do_not_interleave_messages()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var client = await ConnectAsync(harness.Uri());
        var server = (await harness.AcceptAsync()).Transport;

        const int PerSender = 100;
        async Task SendMany(byte fill)
        {
            var message = new byte[64 * 1024];
            Array.Fill(message, fill);
            for (int i = 0; i < PerSender; i++)
            {
                await client.SendAsync(message);
            }
        }

        var senders = Task.WhenAll(Task.Run(() => SendMany(1)), Task.Run(() => SendMany(2)));
        var counts = new int[3];
        for (int i = 0; i < 2 * PerSender; i++)
        {
            byte[] message = (await server.ReceiveAsync().AsTask().WaitAsync(Wait))!;
            Assert.Equal(64 * 1024, message.Length);
            Assert.True(message.All(b => b == message[0]), "a message mixes bytes of two senders");
            counts[message[0]]++;
        }

        await senders;
        Assert.Equal(PerSender, counts[1]);
        Assert.Equal(PerSender, counts[2]);
    }
}
