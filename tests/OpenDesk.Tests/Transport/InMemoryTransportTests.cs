using OpenDesk.Transport;

namespace OpenDesk.Tests.Transport;

public sealed class InMemoryTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Messages_flow_both_ways_as_copies()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        var buffer = new byte[] { 1, 2, 3 };
        await a.SendAsync(buffer);
        buffer[0] = 99;
        await b.SendAsync(new byte[] { 4 });

        Assert.Equal(new byte[] { 1, 2, 3 }, await b.ReceiveAsync());
        Assert.Equal(new byte[] { 4 }, await a.ReceiveAsync());
        Assert.Equal("?", a.RemoteAddress);
    }

    [Fact]
    public async Task Close_lets_the_peer_drain_then_receive_null()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        await a.SendAsync(new byte[] { 1 });
        await a.SendAsync(new byte[] { 2 });
        await a.CloseAsync();
        await a.CloseAsync();

        Assert.Equal(new byte[] { 1 }, await b.ReceiveAsync());
        Assert.Equal(new byte[] { 2 }, await b.ReceiveAsync());
        Assert.Null(await b.ReceiveAsync());
        Assert.Null(await b.ReceiveAsync());
        Assert.Null(await a.ReceiveAsync());

        var mine = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await a.SendAsync(new byte[1]));
        Assert.Equal("connection is closed", mine.Message);
        var theirs = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.SendAsync(new byte[1]));
        Assert.Equal("peer closed the connection", theirs.Message);
    }

    [Fact]
    public async Task Close_wakes_a_pending_receive()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        var receive = b.ReceiveAsync().AsTask();
        await a.DisposeAsync();
        Assert.Null(await receive.WaitAsync(Wait));
    }

    [Fact]
    public async Task An_oversize_message_fails_the_receiver_and_closes_the_pair()
    {
        var (a, b) = InMemoryTransport.CreatePair(maxMessageBytes: 10);
        await a.SendAsync(new byte[10]);
        await a.SendAsync(new byte[11]);

        Assert.Equal(10, (await b.ReceiveAsync())!.Length);
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.ReceiveAsync());
        Assert.Equal("message exceeds the 10-byte limit", error.Message);
        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.ReceiveAsync());

        // The sender sees what a WebSocket peer sees after a 1009 close.
        Assert.Null(await a.ReceiveAsync());
        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await a.SendAsync(new byte[1]));
    }

    [Fact]
    public async Task A_full_queue_makes_the_sender_wait()
    {
        var (a, b) = InMemoryTransport.CreatePair(capacity: 2);
        await a.SendAsync(new byte[] { 1 });
        await a.SendAsync(new byte[] { 2 });
        var third = a.SendAsync(new byte[] { 3 }).AsTask();
        await Task.Delay(50);
        Assert.False(third.IsCompleted);

        Assert.Equal(new byte[] { 1 }, await b.ReceiveAsync());
        await third.WaitAsync(Wait);
        Assert.Equal(new byte[] { 2 }, await b.ReceiveAsync());
        Assert.Equal(new byte[] { 3 }, await b.ReceiveAsync());
    }

    [Fact]
    public async Task Tamper_rewrites_outgoing_messages()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        a.Tamper = message =>
        {
            message[^1] ^= 0x01;
            a.Tamper = null;
            return message;
        };

        await a.SendAsync(new byte[] { 0, 0 });
        await a.SendAsync(new byte[] { 0, 0 });
        Assert.Equal(new byte[] { 0, 1 }, await b.ReceiveAsync());
        Assert.Equal(new byte[] { 0, 0 }, await b.ReceiveAsync());
    }

    [Fact]
    public async Task Injected_messages_arrive_as_if_the_peer_sent_them()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        a.Tamper = _ => throw new InvalidOperationException("injection must bypass the peer's tamper hook");
        await b.InjectInboundAsync(new byte[] { 9 });
        Assert.Equal(new byte[] { 9 }, await b.ReceiveAsync());
    }

    [Fact]
    public async Task Abort_looks_like_a_network_drop_on_both_sides()
    {
        var (a, b) = InMemoryTransport.CreatePair(capacity: 1);
        await a.SendAsync(new byte[] { 3 });
        var blockedSend = a.SendAsync(new byte[] { 4 }).AsTask();
        Assert.False(blockedSend.IsCompleted);
        a.Abort();

        // The queued message is lost, as in a dropped TCP connection, and nobody gets a clean close.
        Task<ConnectionClosedException>[] failures =
        [
            Assert.ThrowsAsync<ConnectionClosedException>(() => blockedSend.WaitAsync(Wait)),
            Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.ReceiveAsync()),
            Assert.ThrowsAsync<ConnectionClosedException>(async () => await a.ReceiveAsync()),
            Assert.ThrowsAsync<ConnectionClosedException>(async () => await b.SendAsync(new byte[1])),
            Assert.ThrowsAsync<ConnectionClosedException>(async () => await a.SendAsync(new byte[1])),
        ];
        foreach (var failure in failures)
        {
            Assert.Equal("peer disconnected", (await failure).Message);
        }
    }

    [Fact]
    public async Task Abort_fails_a_pending_receive()
    {
        var (a, b) = InMemoryTransport.CreatePair();
        var receive = b.ReceiveAsync().AsTask();
        a.Abort();
        var error = await Assert.ThrowsAsync<ConnectionClosedException>(() => receive.WaitAsync(Wait));
        Assert.Equal("peer disconnected", error.Message);
    }

    [Fact]
    public async Task Cancellation_stays_an_OperationCanceledException()
    {
        var (a, b) = InMemoryTransport.CreatePair(capacity: 1);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await b.ReceiveAsync(cts.Token));

        await a.SendAsync(new byte[1]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await a.SendAsync(new byte[1], cts.Token));
    }
}
