using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text;

namespace OpenDesk.Transport;

/// <summary>
/// <see cref="IMessageTransport"/> over a <see cref="WebSocket"/>, used for both the Kestrel server side and
/// <see cref="ClientWebSocket"/> (spec §1): binary messages only, a receive size limit, and a bounded close.
/// </summary>
/// <remarks>
/// Meant for one writer at a time (the session layer serialises its writes); concurrent sends are nonetheless
/// queued behind a lock, so they cannot interleave frames on the socket. Receiving allocates only the returned
/// array: fragments land in a reused buffer that grows through <see cref="ArrayPool{T}"/>.
/// </remarks>
public sealed class WebSocketMessageTransport : IMessageTransport
{
    internal const string TextFrameMessage = "received text frame; opendesk protocol is binary-only";

    // Big enough that control traffic and small RPCs never grow the buffer; growth beyond it is pooled.
    private const int InitialBufferSize = 16 * 1024;

    // A grown buffer up to this size is kept for the next message, so a stream of large frames
    // (display.subscribe) does not regrow it every time. Larger ones go back to the pool.
    private const int RetainedBufferLimit = 4 * 1024 * 1024;

    // RFC 6455 §5.5: a control frame payload is at most 125 bytes, 2 of which are the status code.
    private const int MaxCloseReasonBytes = 123;

    private const string LivenessFailure = "peer disconnected (keepalive timeout: no pong)";

    private readonly WebSocket _socket;
    private readonly IDisposable? _owned;
    private readonly LivenessMonitor? _liveness;
    private readonly TimeSpan _closeTimeout;
    private long _maxMessageBytes;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _closeLock = new();

    // Touched only by the (single) receiver.
    private byte[] _receiveBuffer = new byte[InitialBufferSize];

    private Task? _closeTask;
    private volatile bool _closeRequested;
    private volatile bool _peerClosed;
    private volatile string? _violation;
    private volatile string? _failure;

    // ManagedWebSocket aborts the whole socket when any operation is cancelled; later failures say so.
    private volatile bool _abortedByCancellation;

    /// <param name="socket">An open WebSocket; the transport owns it from now on.</param>
    /// <param name="options">Supplies the receive limit, the liveness timeout and the close timeout.</param>
    /// <param name="remoteAddress"><c>"{ip}:{port}"</c> of the peer, or <c>"?"</c>.</param>
    /// <param name="traffic">The observed stream under <paramref name="socket"/>; without it the peer's liveness is not judged.</param>
    /// <param name="delivery">The kernel's view of the TCP connection under it, when the socket is at hand.</param>
    /// <param name="owned">Disposed after the socket, e.g. the HTTP handler a client socket was opened with.</param>
    public WebSocketMessageTransport(
        WebSocket socket, TransportOptions options, string remoteAddress, TrafficStream? traffic = null, TcpDelivery? delivery = null, IDisposable? owned = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(remoteAddress);
        _socket = socket;
        _owned = owned;
        _maxMessageBytes = options.MaxMessageBytes;
        _closeTimeout = options.CloseTimeout;
        RemoteAddress = remoteAddress;
        if (traffic is not null && options.EffectiveKeepAliveTimeout != Timeout.InfiniteTimeSpan)
        {
            _liveness = new LivenessMonitor(traffic, delivery, options.EffectiveKeepAliveTimeout, OnPeerDead);
        }
    }

    public string RemoteAddress { get; }

    public long MaxMessageBytes
    {
        get => Interlocked.Read(ref _maxMessageBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TransportOptions.MaxAllowedMessageBytes);
            Interlocked.Exchange(ref _maxMessageBytes, value);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        ThrowIfCannotSend();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            NoteCancellation();
            throw;
        }
        catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
        {
            throw Failure(e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (_violation is { } violation)
        {
            throw new ConnectionClosedException(violation);
        }

        if (_peerClosed || _closeRequested)
        {
            return null;
        }

        long limit = MaxMessageBytes;
        byte[] buffer = _receiveBuffer;
        byte[]? rented = null;
        int capacity = Capacity(buffer, limit);
        int count = 0;
        try
        {
            while (true)
            {
                if (count == capacity)
                {
                    // Growing by doubling, capped at limit + 1, keeps the allocation proportional to the bytes
                    // actually received: a peer announcing a huge frame cannot make us reserve memory for it.
                    byte[] bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * capacity, limit + 1));
                    buffer.AsSpan(0, count).CopyTo(bigger);
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }

                    rented = buffer = bigger;
                    capacity = Capacity(buffer, limit);
                }

                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(buffer.AsMemory(count, capacity - count), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    NoteCancellation();
                    throw;
                }
                catch (Exception e) when (IsConnectionFailure(e, cancellationToken))
                {
                    if (_closeRequested && _violation is null)
                    {
                        // Our own CloseAsync tore the socket down under this receive: the stream simply ended.
                        return null;
                    }

                    throw Failure(e);
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    _peerClosed = true;
                    await StartClose(WebSocketCloseStatus.NormalClosure, string.Empty).ConfigureAwait(false);
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    throw await ViolationAsync(TransportCloseStatus.UnsupportedData, TextFrameMessage).ConfigureAwait(false);
                }

                count += result.Count;
                if (count > limit)
                {
                    throw await ViolationAsync(TransportCloseStatus.MessageTooBig, $"message exceeds the {limit}-byte limit").ConfigureAwait(false);
                }

                if (result.EndOfMessage)
                {
                    return buffer.AsSpan(0, count).ToArray();
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                if (rented.Length <= RetainedBufferLimit && rented.Length > _receiveBuffer.Length)
                {
                    // Kept instead of returned; the pool does not require every rented array back.
                    _receiveBuffer = rented;
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
    }

    public ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "")
    {
        _closeRequested = true;
        return new ValueTask(StartClose((WebSocketCloseStatus)status, reason ?? string.Empty));
    }

    public ValueTask DisposeAsync() => CloseAsync();

    /// <summary>Formats a peer address the way the audit log records it (spec §15.1).</summary>
    public static string FormatAddress(IPAddress? address, int port)
    {
        if (address is null)
        {
            return "?";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        // No brackets around IPv6 addresses: upstream formats the audit field as plain f"{ip}:{port}".
        return FormattableString.Invariant($"{address}:{port}");
    }

    public static string FormatAddress(EndPoint? endPoint) =>
        endPoint is IPEndPoint ip ? FormatAddress(ip.Address, ip.Port) : "?";

    private static int Capacity(byte[] buffer, long limit) => (int)Math.Min(buffer.Length, limit + 1);

    private void OnPeerDead()
    {
        _failure ??= LivenessFailure;
        _socket.Abort();
    }

    private void ThrowIfCannotSend()
    {
        if (_violation is { } violation)
        {
            throw new ConnectionClosedException(violation);
        }

        if (_closeRequested)
        {
            throw new ConnectionClosedException("connection is closed");
        }

        if (_peerClosed)
        {
            throw new ConnectionClosedException("peer closed the connection");
        }
    }

    private void NoteCancellation()
    {
        // A token that was already cancelled is refused without touching the socket; only a real abort counts.
        if (_socket.State == WebSocketState.Aborted)
        {
            _abortedByCancellation = true;
        }
    }

    private static bool IsConnectionFailure(Exception e, CancellationToken cancellationToken) => e switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        WebSocketException or IOException or ObjectDisposedException => true,
        _ => false,
    };

    private ConnectionClosedException Failure(Exception e)
    {
        // The first diagnosis sticks: once the socket is aborted, later calls only see "invalid state", which no
        // longer says why.
        string message = _violation
            ?? (_closeRequested ? "connection is closed"
            : _peerClosed ? "peer closed the connection"
            : _abortedByCancellation ? "connection aborted because an operation on it was cancelled"
            : _failure ??= "peer disconnected");
        return new ConnectionClosedException(message, e);
    }

    private async Task<ConnectionClosedException> ViolationAsync(TransportCloseStatus status, string message)
    {
        _violation ??= message;
        _closeRequested = true;
        await StartClose((WebSocketCloseStatus)status, message).ConfigureAwait(false);
        return new ConnectionClosedException(message);
    }

    private Task StartClose(WebSocketCloseStatus status, string reason)
    {
        lock (_closeLock)
        {
            return _closeTask ??= CloseCoreAsync(status, TruncateReason(reason));
        }
    }

    private async Task CloseCoreAsync(WebSocketCloseStatus status, string reason)
    {
        // Leave the caller's lock before touching the socket.
        await Task.Yield();
        try
        {
            WebSocketState state = _socket.State;
            if ((state is WebSocketState.Open or WebSocketState.CloseReceived) && _closeTimeout > TimeSpan.Zero)
            {
                using var cts = new CancellationTokenSource(_closeTimeout);
                if (state == WebSocketState.Open)
                {
                    // Sends our close frame and reads (discarding data) until the peer's close arrives. Even after
                    // a protocol violation, when the peer may still be streaming a huge message, this beats an
                    // abort right after the close frame: the abort resets the TCP connection, and a reset makes
                    // the peer's OS discard the close frame before the peer could read it.
                    await _socket.CloseAsync(status, reason, cts.Token).ConfigureAwait(false);
                }
                else
                {
                    // The peer's close already arrived: answering it completes the handshake.
                    await _socket.CloseOutputAsync(status, reason, cts.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Best effort by design: an unresponsive or vanished peer must not delay or fail the close.
        }
        finally
        {
            _liveness?.Dispose();
            _socket.Abort();
            _socket.Dispose();
            _owned?.Dispose();
        }
    }

    private static string TruncateReason(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaxCloseReasonBytes)
        {
            return reason;
        }

        int length = reason.Length;
        while (length > 0 && Encoding.UTF8.GetByteCount(reason.AsSpan(0, length)) > MaxCloseReasonBytes)
        {
            length--;
        }

        if (length > 0 && char.IsHighSurrogate(reason[length - 1]))
        {
            length--;
        }

        return reason[..length];
    }
}
