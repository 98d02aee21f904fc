using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace OpenDesk.Transport;

/// <summary>
/// One end of an in-process transport pair for tests and benchmarks, with the observable behaviour of
/// <see cref="WebSocketMessageTransport"/>: bounded queues (so back-pressure is real), a receive size limit, a
/// clean close that the peer sees as <c>null</c> after draining, and <see cref="Abort"/> for a network drop.
/// </summary>
/// <remarks>
/// Unlike a WebSocket, cancelling a receive or a send here does not break the connection.
/// </remarks>
public sealed class InMemoryTransport : IMessageTransport
{
    private readonly Channel<byte[]> _inbound;
    private readonly Channel<byte[]> _outbound;
    private long _maxMessageBytes;
    private InMemoryTransport _peer = null!;
    private volatile bool _closeRequested;
    private volatile bool _peerClosed;
    private volatile bool _aborted;
    private volatile string? _violation;

    private InMemoryTransport(Channel<byte[]> inbound, Channel<byte[]> outbound, long maxMessageBytes)
    {
        _inbound = inbound;
        _outbound = outbound;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>What <see cref="RemoteAddress"/> reports; <c>"?"</c> unless a test sets it.</summary>
    public string RemoteAddress { get; set; } = "?";

    /// <summary>Checked when a message is received, as a socket checks it while the bytes arrive.</summary>
    public long MaxMessageBytes
    {
        get => Interlocked.Read(ref _maxMessageBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            Interlocked.Exchange(ref _maxMessageBytes, value);
        }
    }

    /// <summary>
    /// Applied to each message this side sends, after it was copied and before the peer can see it: lets a test
    /// flip a bit in an encrypted frame, replace or truncate it. To tamper with only the next message, have the
    /// function reset this property.
    /// </summary>
    public Func<byte[], byte[]>? Tamper { get; set; }

    /// <summary>Creates two connected ends: what <c>A</c> sends, <c>B</c> receives, and the other way round.</summary>
    /// <param name="capacity">Messages that may be queued per direction before <see cref="SendAsync"/> waits.</param>
    /// <param name="maxMessageBytes">The receive limit of both ends.</param>
    public static (InMemoryTransport A, InMemoryTransport B) CreatePair(int capacity = 64, long maxMessageBytes = TransportOptions.DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMessageBytes);
        var options = new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        };
        Channel<byte[]> aToB = Channel.CreateBounded<byte[]>(options);
        Channel<byte[]> bToA = Channel.CreateBounded<byte[]>(options);
        var a = new InMemoryTransport(inbound: bToA, outbound: aToB, maxMessageBytes);
        var b = new InMemoryTransport(inbound: aToB, outbound: bToA, maxMessageBytes);
        a._peer = b;
        b._peer = a;
        return (a, b);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSend();

        // A copy, because the caller may reuse its buffer as soon as this returns, as it may with a socket.
        byte[] item = message.ToArray();
        if (Tamper is { } tamper)
        {
            item = tamper(item);
        }

        try
        {
            await _outbound.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw SendFailure(e);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfBroken();
        if (_closeRequested)
        {
            // Like a WebSocket after a local close: whatever was still queued is discarded.
            return null;
        }

        byte[] item;
        try
        {
            item = await _inbound.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            ThrowIfBroken();
            return null;
        }

        ThrowIfBroken();
        long limit = MaxMessageBytes;
        if (item.Length > limit)
        {
            string message = $"message exceeds the {limit}-byte limit";
            _violation = message;
            _closeRequested = true;
            _peer._peerClosed = true;
            CompleteBothDirections();
            throw new ConnectionClosedException(message);
        }

        return item;
    }

    /// <summary>
    /// A clean close: the peer drains what was already sent and then receives <c>null</c>; sends on either side fail.
    /// </summary>
    public ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "")
    {
        _closeRequested = true;
        _peer._peerClosed = true;
        CompleteBothDirections();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>
    /// Simulates a network drop: queued messages are lost, and every pending or later receive and send on both ends
    /// fails with <see cref="ConnectionClosedException"/> <c>"peer disconnected"</c>.
    /// </summary>
    public void Abort()
    {
        _aborted = true;
        _peer._aborted = true;
        CompleteBothDirections();
    }

    /// <summary>
    /// Delivers <paramref name="message"/> to this side's <see cref="ReceiveAsync"/> as if the peer had sent it,
    /// bypassing the peer's <see cref="Tamper"/> (for replayed or forged frames). Subject to back-pressure and the
    /// receive limit like any other message.
    /// </summary>
    public async ValueTask InjectInboundAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        try
        {
            await _inbound.Writer.WriteAsync(message.ToArray(), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw new ConnectionClosedException("connection is closed", e);
        }
    }

    private void CompleteBothDirections()
    {
        _outbound.Writer.TryComplete();
        _inbound.Writer.TryComplete();
    }

    private void ThrowIfBroken()
    {
        if (_aborted)
        {
            throw new ConnectionClosedException("peer disconnected");
        }

        if (_violation is { } violation)
        {
            throw new ConnectionClosedException(violation);
        }
    }

    private void ThrowIfCannotSend()
    {
        ThrowIfBroken();
        if (_closeRequested)
        {
            throw new ConnectionClosedException("connection is closed");
        }

        if (_peerClosed)
        {
            throw new ConnectionClosedException("peer closed the connection");
        }
    }

    private ConnectionClosedException SendFailure(Exception inner) =>
        _aborted ? new ConnectionClosedException("peer disconnected", inner)
        : _violation is { } violation ? new ConnectionClosedException(violation, inner)
        : _closeRequested ? new ConnectionClosedException("connection is closed", inner)
        : new ConnectionClosedException("peer closed the connection", inner);
}
