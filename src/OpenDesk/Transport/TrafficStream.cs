namespace OpenDesk.Transport;

/// <summary>
/// The byte stream under a WebSocket, observed: when bytes last arrived, and whether our own writes are stuck or
/// still draining. That is the evidence <see cref="LivenessMonitor"/> judges a peer by.
/// </summary>
/// <remarks>
/// A ping answers "is the peer alive" only when the link is idle. Behind a 60 MB result on a slow link the ping
/// (and the peer's pong) wait their turn for as long as the transfer takes, while the transfer itself proves the
/// peer alive: its TCP stack keeps accepting our data. Writes are cut into chunks so that progress is visible
/// within one large message, not only at its end.
/// </remarks>
public sealed class TrafficStream : Stream
{
    private const int WriteChunkBytes = 64 * 1024;

    private readonly Stream _inner;
    private long _lastReceive;
    private long _lastSendProgress;
    private int _pendingWrites;

    public TrafficStream(Stream inner)
    {
        _inner = inner;
        _lastReceive = _lastSendProgress = Environment.TickCount64;
    }

    /// <summary><see cref="Environment.TickCount64"/> when bytes last arrived (or when the stream was created).</summary>
    public long LastReceive => Volatile.Read(ref _lastReceive);

    /// <summary><see cref="Environment.TickCount64"/> when a write last completed a chunk.</summary>
    public long LastSendProgress => Volatile.Read(ref _lastSendProgress);

    /// <summary>Whether a write is waiting for the network to take more of our data.</summary>
    public bool SendPending => Volatile.Read(ref _pendingWrites) > 0;

    public override bool CanRead => _inner.CanRead;

    public override bool CanWrite => _inner.CanWrite;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        NoteReceived(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = _inner.Read(buffer, offset, count);
        NoteReceived(read);
        return read;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pendingWrites);
        try
        {
            while (buffer.Length > 0)
            {
                var chunk = buffer[..Math.Min(buffer.Length, WriteChunkBytes)];
                await _inner.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                buffer = buffer[chunk.Length..];
                Volatile.Write(ref _lastSendProgress, Environment.TickCount64);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        _inner.Write(buffer, offset, count);
        Volatile.Write(ref _lastSendProgress, Environment.TickCount64);
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _pendingWrites);
        try
        {
            await _inner.FlushAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _lastSendProgress, Environment.TickCount64);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingWrites);
        }
    }

    public override void Flush() => _inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => _inner.DisposeAsync();

    private void NoteReceived(int read)
    {
        if (read > 0)
        {
            Volatile.Write(ref _lastReceive, Environment.TickCount64);
        }
    }
}
