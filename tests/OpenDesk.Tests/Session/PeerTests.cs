using OpenDesk.Protocol;
using OpenDesk.Session;

namespace OpenDesk.Tests.Session;

public class PeerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Hello_exchange_gives_each_side_the_other_hello()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());

        Assert.Equal(HelloFrame.ServerRole, peers.Client.RemoteHello!.Role);
        Assert.Equal("test", peers.Client.RemoteHello.Capabilities["backend"]);
        Assert.Equal(HelloFrame.ClientRole, peers.Server.RemoteHello!.Role);
    }

    [Fact]
    public async Task A_hello_carrying_busy_raises_a_protocol_exception_with_that_code_and_message()
    {
        var (clientTransport, serverTransport) = OpenDesk.Transport.InMemoryTransport.CreatePair();
        var (clientChannel, serverChannel) = await ConnectedPeers.HandshakeAsync(clientTransport, serverTransport);
        const string message = "server is busy: laptop is the active controller. Disconnect them to take over.";
        await serverChannel.SendAsync(new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap(), new ErrorInfo(ErrorCodes.Busy, message)));

        await using var client = new Peer(clientChannel);
        var ex = await Assert.ThrowsAsync<BusyException>(() => client.StartAsync(HelloFrame.Client()));

        Assert.Equal(ErrorCodes.Busy, ex.Code);
        Assert.Equal(message, ex.Detail);
        Assert.Equal($"busy: {message}", ex.Message);
        Assert.True(client.IsClosed);
    }

    [Fact]
    public async Task A_first_frame_that_is_not_hello_is_a_protocol_error()
    {
        var (clientTransport, serverTransport) = OpenDesk.Transport.InMemoryTransport.CreatePair();
        var (clientChannel, serverChannel) = await ConnectedPeers.HandshakeAsync(clientTransport, serverTransport);
        await serverChannel.SendAsync(new PushFrame("session.evicted", new MsgMap()));

        await using var client = new Peer(clientChannel);
        var ex = await Assert.ThrowsAsync<ProtocolException>(() => client.StartAsync(HelloFrame.Client()));
        Assert.Equal("protocol: expected HELLO, got 'push'", ex.Message);
    }

    [Fact]
    public async Task Concurrent_calls_are_correlated_by_id()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());

        var calls = Enumerable.Range(0, 2000).Select(async i =>
        {
            var result = await peers.Client.CallAsync("echo", new MsgMap { ["n"] = (long)i });
            return (i, (long)result!["n"]!);
        });

        foreach (var (sent, received) in await Task.WhenAll(calls))
        {
            Assert.Equal(sent, received);
        }
    }

    [Fact]
    public async Task Remote_errors_map_to_the_documented_exceptions()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());

        var notFound = await Assert.ThrowsAsync<ProtocolException>(() => peers.Client.CallAsync("fail", new MsgMap()));
        Assert.Equal("not_found: /nope", notFound.Message);

        var crash = await Assert.ThrowsAsync<ProtocolException>(() => peers.Client.CallAsync("crash", new MsgMap()));
        Assert.Equal(ErrorCodes.Internal, crash.Code);
        Assert.Equal("handler exploded", crash.Detail);

        var unsupported = await Assert.ThrowsAsync<CapabilityUnsupportedException>(() => peers.Client.CallAsync("foo.bar", new MsgMap()));
        Assert.Equal("display.capture", unsupported.Capability);
        Assert.Equal("server (unknown method 'foo.bar')", unsupported.Backend);
        Assert.Equal("Capability 'display.capture' is not supported by backend server (unknown method 'foo.bar').", unsupported.Detail);

        Assert.Null(await peers.Client.CallAsync("nil", new MsgMap()));
    }

    [Fact]
    public async Task A_peer_without_dispatcher_answers_requests_with_internal()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => peers.Server.CallAsync("anything", new MsgMap()));
        Assert.Equal("internal: no dispatcher registered", ex.Message);
    }

    [Fact]
    public async Task Cancelling_a_unary_call_sends_cancel_and_the_callee_aborts_its_handler()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher);
        using var cts = new CancellationTokenSource();

        var call = peers.Client.CallAsync("hang", new MsgMap(), cts.Token);
        await dispatcher.HandlerStarted.Task.WaitAsync(Deadline);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await dispatcher.HandlerCancelled.Task.WaitAsync(Deadline);
        Assert.Equal(42L, (await peers.Client.CallAsync("echo", new MsgMap { ["x"] = 42L }))!["x"]);
    }

    [Fact]
    public async Task A_stream_delivers_items_in_order_then_ends()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());

        var items = new List<long>();
        await foreach (var item in peers.Client.StreamAsync("count", new MsgMap { ["n"] = 300L }))
        {
            items.Add((long)item["i"]!);
        }

        Assert.Equal(Enumerable.Range(0, 300).Select(i => (long)i), items);
    }

    [Fact]
    public async Task Stopping_a_stream_midway_cancels_the_producer()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher);

        var seen = 0;
        await foreach (var item in peers.Client.StreamAsync("forever", new MsgMap()))
        {
            if (++seen == 10)
            {
                break;
            }
        }

        await dispatcher.HandlerCancelled.Task.WaitAsync(Deadline);
        Assert.Equal(7L, (await peers.Client.CallAsync("echo", new MsgMap { ["x"] = 7L }))!["x"]);
    }

    [Fact]
    public async Task Unknown_stream_method_ends_with_its_error()
    {
        await using var peers = await ConnectedPeers.StartAsync(new StreamlessDispatcher());

        var ex = await Assert.ThrowsAsync<CapabilityUnsupportedException>(async () =>
        {
            await foreach (var unused in peers.Client.StreamAsync("nope.stream", new MsgMap()))
            {
            }
        });
        Assert.Equal("display.stream", ex.Capability);
    }

    [Fact]
    public async Task A_consumer_that_stops_reading_fails_only_its_own_stream()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher, new PeerOptions { StreamBufferSize = 4, StreamStallTimeout = TimeSpan.FromMilliseconds(300) });

        await using var stalled = peers.Client.StreamAsync("forever", new MsgMap()).GetAsyncEnumerator();
        Assert.True(await stalled.MoveNextAsync());

        // The stalled stream must not starve other calls on the same connection.
        await Task.Delay(200);
        Assert.Equal(1L, (await peers.Client.CallAsync("echo", new MsgMap { ["x"] = 1L }).WaitAsync(Deadline))!["x"]);
        await dispatcher.HandlerCancelled.Task.WaitAsync(Deadline);

        var ex = await Assert.ThrowsAsync<ProtocolException>(async () =>
        {
            while (await stalled.MoveNextAsync())
            {
            }
        });
        Assert.Contains("fell behind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_reaches_handlers_and_a_throwing_handler_is_swallowed()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());
        var received = new TaskCompletionSource<PushFrame>();
        peers.Client.PushReceived += _ => throw new InvalidOperationException("bad handler");
        peers.Client.PushReceived += push => received.TrySetResult(push);

        await peers.Server.PushAsync("session.evicted", new MsgMap { ["reason"] = "admin_disconnect" });

        var push = await received.Task.WaitAsync(Deadline);
        Assert.Equal("admin_disconnect", push.Payload["reason"]);
        Assert.False(peers.Client.IsClosed);
    }

    [Fact]
    public async Task A_push_that_arrives_before_anyone_listens_reaches_the_first_handler()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());
        await peers.Server.PushAsync("session.evicted", new MsgMap { ["reason"] = "admin_disconnect" });
        await peers.Server.CloseAsync();
        await peers.Client.Closed.WaitAsync(Deadline);

        var first = new List<string>();
        var second = new List<string>();
        peers.Client.PushReceived += push => first.Add((string)push.Payload["reason"]!);
        peers.Client.PushReceived += push => second.Add((string)push.Payload["reason"]!);

        Assert.Equal(["admin_disconnect"], first);
        Assert.Empty(second);
    }

    [Fact]
    public async Task A_push_sent_just_before_close_is_seen_before_the_close()
    {
        await using var peers = await ConnectedPeers.StartAsync(new TestDispatcher());
        var evicted = false;
        peers.Client.PushReceived += _ => evicted = true;

        await peers.Server.PushAsync("session.evicted", new MsgMap { ["reason"] = "admin_disconnect" });
        await peers.Server.CloseAsync();

        await peers.Client.Closed.WaitAsync(Deadline);
        Assert.True(evicted);
    }

    [Fact]
    public async Task Closing_fails_every_pending_call_and_later_calls()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher);
        var pending = Enumerable.Range(0, 5).Select(_ => peers.Client.CallAsync("hang", new MsgMap())).ToList();
        await dispatcher.HandlerStarted.Task.WaitAsync(Deadline);

        await peers.Server.CloseAsync();

        foreach (var call in pending)
        {
            var ex = await Assert.ThrowsAsync<ConnectionClosedException>(() => call.WaitAsync(Deadline));
            Assert.Equal("peer disconnected", ex.Message);
        }

        var after = await Assert.ThrowsAsync<ConnectionClosedException>(() => peers.Client.CallAsync("echo", new MsgMap()));
        Assert.Equal("peer is closed", after.Message);
    }

    [Fact]
    public async Task A_network_drop_fails_pending_calls_with_connection_closed()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher);
        var call = peers.Client.CallAsync("hang", new MsgMap());
        await dispatcher.HandlerStarted.Task.WaitAsync(Deadline);

        peers.ClientTransport.Abort();

        await Assert.ThrowsAsync<ConnectionClosedException>(() => call.WaitAsync(Deadline));
        await dispatcher.HandlerCancelled.Task.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_tampered_frame_closes_the_connection_with_the_integrity_failure()
    {
        var dispatcher = new TestDispatcher();
        await using var peers = await ConnectedPeers.StartAsync(dispatcher);
        peers.ClientTransport.Tamper = bytes =>
        {
            bytes[3] ^= 0x01;
            return bytes;
        };

        var call = peers.Client.CallAsync("echo", new MsgMap());

        var serverReason = await peers.Server.Closed.WaitAsync(Deadline);
        Assert.Equal(SecureChannel.IntegrityFailure, serverReason.Message);
        await Assert.ThrowsAsync<ConnectionClosedException>(() => call.WaitAsync(Deadline));
        Assert.True(peers.Client.IsClosed);
    }

    [Fact]
    public async Task A_frame_that_does_not_decode_closes_with_bad_frame()
    {
        var (clientTransport, serverTransport) = OpenDesk.Transport.InMemoryTransport.CreatePair();
        var (clientChannel, serverChannel) = await ConnectedPeers.HandshakeAsync(clientTransport, serverTransport);
        var client = new Peer(clientChannel);
        var server = new Peer(serverChannel, null, new TestDispatcher());
        await Task.WhenAll(client.StartAsync(HelloFrame.Client()), server.StartAsync(new HelloFrame(HelloFrame.ServerRole, "", new(), new(), null)));
        var pending = client.CallAsync("hang", new MsgMap());

        // A frame with an unknown type, correctly encrypted: only the frame decoder can object.
        await serverTransport.SendAsync(SealRaw(serverChannel, VectorFiles.Hex("82a17601a474797065a5626f677573")));

        var ex = await Assert.ThrowsAsync<ProtocolException>(() => pending.WaitAsync(Deadline));
        Assert.StartsWith("protocol: bad frame: ", ex.Message, StringComparison.Ordinal);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    private static byte[] SealRaw(SecureChannel channel, byte[] plaintext) => channel.Seal(plaintext);

    private sealed class StreamlessDispatcher : IRequestDispatcher
    {
        public ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken) => ValueTask.FromResult<MsgMap?>(null);

        public IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, CancellationToken cancellationToken) =>
            throw ErrorMapping.Unsupported(Capabilities.DisplayStream, $"server (unknown stream '{method}')");
    }
}
