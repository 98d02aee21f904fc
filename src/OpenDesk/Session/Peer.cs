using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using OpenDesk.Protocol;
using OpenDesk.Transport;

namespace OpenDesk.Session;

/// <summary>
/// The RPC layer over an encrypted channel (spec §9–§13): HELLO exchange, unary calls multiplexed by id,
/// streams with back-pressure, CANCEL both ways and PUSH. One receive loop reads; the channel serialises
/// writes. When the connection ends every pending call fails with the close reason, and the handlers of the
/// peer's requests are cancelled and drained: none starts after the close, and <see cref="CloseAsync"/>
/// returns only once the running ones have finished.
/// </summary>
public sealed class Peer : IAsyncDisposable
{
    /// <summary>How many PUSHes are kept for a handler that is not yet there; the protocol's one topic needs one.</summary>
    private const int MaxUnheardPushes = 8;

    private readonly SecureChannel _channel;
    private readonly PeerOptions _options;
    private readonly IRequestDispatcher? _dispatcher;
    private readonly ConcurrentDictionary<long, PendingCall> _pending = new();
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _handlersDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _callSlots;
    private readonly Lock _pushGate = new();
    private Action<PushFrame>? _pushReceived;
    private List<PushFrame>? _unheardPushes = [];
    private long _lastId;
    private volatile Exception? _closeReason;
    private Task? _receiveLoop;

    // One for the receive loop itself, so the count only reaches zero once the loop has stopped starting handlers.
    private int _activeHandlers = 1;
    private int _loopShareReleased;

    public Peer(SecureChannel channel, PeerOptions? options = null, IRequestDispatcher? dispatcher = null)
    {
        _channel = channel;
        _options = options ?? new PeerOptions();
        _dispatcher = dispatcher;
        _callSlots = new SemaphoreSlim(_options.MaxConcurrentCalls, _options.MaxConcurrentCalls);
    }

    /// <summary>
    /// Raised on the receive loop for every PUSH, before any close that follows it is processed. A server may push
    /// right behind its HELLO (an eviction racing the login), before its caller had a chance to listen: the first
    /// few PUSHes that arrive while nobody listens are handed to the first handler as it is added.
    /// </summary>
    public event Action<PushFrame>? PushReceived
    {
        add
        {
            PushFrame[] missed;
            lock (_pushGate)
            {
                _pushReceived += value;
                missed = _unheardPushes is { Count: > 0 } ? [.. _unheardPushes] : [];
                _unheardPushes = null;
            }

            foreach (var push in missed)
            {
                Deliver(value, push);
            }
        }
        remove
        {
            lock (_pushGate)
            {
                _pushReceived -= value;
            }
        }
    }

    public HelloFrame? RemoteHello { get; private set; }

    public byte[] PeerStaticPublic => _channel.PeerStaticPublic;

    public string RemoteAddress => _channel.RemoteAddress;

    public bool IsClosed => _closeReason is not null;

    /// <summary>Completes with the reason once the connection has ended.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>
    /// Sends our HELLO, then reads the peer's (both send first, so two peers never wait on each other, spec §9.3),
    /// then starts serving. A HELLO carrying an error closes the connection and throws it.
    /// </summary>
    public Task<HelloFrame> StartAsync(HelloFrame localHello, CancellationToken cancellationToken = default) =>
        StartAsync(localHello, remoteHello: null, cancellationToken);

    /// <summary>
    /// Sends our HELLO and starts serving, with the peer's HELLO already read by <see cref="ReceiveHelloAsync"/>.
    /// </summary>
    public async Task<HelloFrame> StartAsync(HelloFrame localHello, HelloFrame? remoteHello, CancellationToken cancellationToken = default)
    {
        RemoteHello = remoteHello;
        try
        {
            await _channel.SendAsync(localHello, cancellationToken).ConfigureAwait(false);
            RemoteHello ??= await ReadHelloAsync(_channel, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Finish(ex is ProtocolException or ConnectionClosedException ? ex : new ConnectionClosedException("peer disconnected", ex));
            ReleaseLoopShare();
            await _channel.CloseAsync().ConfigureAwait(false);
            throw;
        }

        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        return RemoteHello;
    }

    /// <summary>
    /// Reads the peer's HELLO before a <see cref="Peer"/> exists, as a server does: the first encrypted frame is
    /// the client's proof that it holds its static key, and until it decrypts the connection is a stranger's.
    /// Closes the channel when it fails.
    /// </summary>
    public static async Task<HelloFrame> ReceiveHelloAsync(SecureChannel channel, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ReadHelloAsync(channel, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await channel.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes once the connection is closed and no handler of the peer's requests runs any more.</summary>
    public Task HandlersDrained => _handlersDrained.Task;

    public async Task<MsgMap?> CallAsync(string method, MsgMap parameters, CancellationToken cancellationToken = default)
    {
        // Our own calls queue here rather than overrun the server's in-flight limit.
        await _callSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var call = new UnaryCall();
            var id = Register(call);
            using var registration = cancellationToken.Register(() => Abandon(id));
            try
            {
                await _channel.SendAsync(new RequestFrame(id, method, false, parameters), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _pending.TryRemove(id, out _);
                throw TranslateSendFailure(ex);
            }

            var response = await call.Result.Task.ConfigureAwait(false);
            return response.Error is { } error ? throw ErrorMapping.ToException(error) : response.Result;
        }
        finally
        {
            _callSlots.Release();
        }
    }

    public async IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = new StreamCall(_options.StreamBufferSize);
        var id = Register(call);
        var finished = false;
        try
        {
            try
            {
                await _channel.SendAsync(new RequestFrame(id, method, true, parameters), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                finished = true;
                throw TranslateSendFailure(ex);
            }

            while (true)
            {
                ResponseFrame frame;
                try
                {
                    frame = await call.Items.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ChannelClosedException ex) when (ex.InnerException is not null)
                {
                    finished = true;
                    throw ex.InnerException;
                }

                if (frame.Error is { } error)
                {
                    finished = true;
                    throw ErrorMapping.ToException(error);
                }

                if (frame.Result is { } item)
                {
                    yield return item;
                }

                if (frame.End)
                {
                    finished = true;
                    yield break;
                }
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
            if (!finished)
            {
                SendCancelInBackground(id);
            }
        }
    }

    public ValueTask PushAsync(string topic, MsgMap payload, CancellationToken cancellationToken = default) =>
        _channel.SendAsync(new PushFrame(topic, payload), cancellationToken);

    /// <summary>
    /// Closes the connection; pending calls fail with <c>peer closed</c>. Handlers of the peer's requests are
    /// cancelled, and this waits (up to <see cref="PeerOptions.HandlerDrainTimeout"/>) until they have finished.
    /// </summary>
    public async ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal)
    {
        Finish(new ConnectionClosedException("peer closed"));
        await _channel.CloseAsync(status).ConfigureAwait(false);
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        else
        {
            ReleaseLoopShare();
        }

        await Task.WhenAny(_handlersDrained.Task, Task.Delay(_options.HandlerDrainTimeout)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await _channel.DisposeAsync().ConfigureAwait(false);
        if (_handlersDrained.Task.IsCompleted)
        {
            // A handler that outlived the drain timeout may still hold a linked token.
            _shutdown.Dispose();
        }
    }

    private static async Task<HelloFrame> ReadHelloAsync(SecureChannel channel, CancellationToken cancellationToken)
    {
        var first = await ReceiveFirstAsync(channel, cancellationToken).ConfigureAwait(false);
        if (first is not HelloFrame hello)
        {
            throw new ProtocolException(ErrorCodes.Protocol, $"expected HELLO, got {PyRepr.Format(FrameType(first))}");
        }

        return hello.Error is { } error ? throw ErrorMapping.ToException(error) : hello;
    }

    private static async Task<Frame?> ReceiveFirstAsync(SecureChannel channel, CancellationToken cancellationToken)
    {
        Frame? first;
        try
        {
            first = await channel.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConnectionClosedException ex) when (ex.Reason != ConnectionCloseReason.IntegrityFailure)
        {
            throw new ProtocolException(ErrorCodes.Protocol, "peer closed before HELLO", inner: ex);
        }

        return first ?? throw new ProtocolException(ErrorCodes.Protocol, "peer closed before HELLO");
    }

    private async Task ReceiveLoopAsync()
    {
        Exception reason;
        while (true)
        {
            Frame? frame;
            try
            {
                // No token: cancelling a WebSocket receive aborts the socket, which would cut off a close
                // handshake (and a just-sent eviction PUSH) in progress. Closing the channel ends this read.
                frame = await _channel.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (ProtocolException ex)
            {
                reason = new ProtocolException(ErrorCodes.Protocol, $"bad frame: {ex.Detail}", inner: ex);
                break;
            }
            catch (Exception ex)
            {
                reason = ex as ConnectionClosedException ?? new ConnectionClosedException("peer disconnected", ex);
                break;
            }

            if (frame is null)
            {
                reason = new ConnectionClosedException("peer disconnected");
                break;
            }

            switch (frame)
            {
                case ResponseFrame response:
                    await DeliverAsync(response).ConfigureAwait(false);
                    break;
                case RequestFrame request:
                    await StartHandlerAsync(request).ConfigureAwait(false);
                    break;
                case CancelFrame cancel:
                    if (_running.TryGetValue(cancel.Id, out var handler))
                    {
                        CancelQuietly(handler);
                    }

                    break;
                case PushFrame push:
                    RaisePush(push);
                    break;
                case HelloFrame hello:
                    RemoteHello = hello;
                    break;
            }
        }

        Finish(reason);
        ReleaseLoopShare();
        await _channel.CloseAsync(reason is ProtocolException ? TransportCloseStatus.ProtocolError : TransportCloseStatus.Normal).ConfigureAwait(false);
    }

    private async ValueTask DeliverAsync(ResponseFrame response)
    {
        if (!_pending.TryGetValue(response.Id, out var call))
        {
            return;
        }

        switch (call)
        {
            case UnaryCall unary:
                _pending.TryRemove(response.Id, out _);
                unary.Result.TrySetResult(response);
                break;
            case StreamCall stream:
                if (response.End)
                {
                    _pending.TryRemove(response.Id, out _);
                }

                if (stream.Items.Writer.TryWrite(response))
                {
                    break;
                }

                // The consumer is behind: wait for room (back-pressure reaches the sender through TCP),
                // but not so long that the rest of the connection starves.
                using (var stall = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token))
                {
                    stall.CancelAfter(_options.StreamStallTimeout);
                    try
                    {
                        await stream.Items.Writer.WriteAsync(response, stall.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        if (_pending.TryRemove(response.Id, out _) || response.End)
                        {
                            stream.Items.Writer.TryComplete(new ProtocolException(
                                ErrorCodes.Internal,
                                $"stream consumer fell behind: {_options.StreamBufferSize} items unread for {_options.StreamStallTimeout.TotalSeconds:0.#} s"));
                            SendCancelInBackground(response.Id);
                        }
                    }
                    catch (ChannelClosedException)
                    {
                    }
                }

                break;
        }
    }

    private async ValueTask StartHandlerAsync(RequestFrame request)
    {
        if (_closeReason is not null)
        {
            // Requests still queued when the connection closed (an eviction, a bump) never start.
            return;
        }

        if (_dispatcher is null)
        {
            SendInBackground(new ResponseFrame(request.Id, 0, true, null, new ErrorInfo(ErrorCodes.Internal, "no dispatcher registered")));
            return;
        }

        if (_running.Count >= _options.MaxConcurrentHandlers)
        {
            // Answered from the receive loop itself: a peer that pipelines faster than it reads its answers
            // stalls its own connection instead of queueing work or memory here.
            await SendQuietlyAsync(new ResponseFrame(request.Id, 0, true, null, new ErrorInfo(
                ErrorCodes.Internal,
                $"too many calls in flight: this session already runs {_options.MaxConcurrentHandlers}; wait for earlier calls to finish"))).ConfigureAwait(false);
            return;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        _running[request.Id] = cancellation;
        Interlocked.Increment(ref _activeHandlers);
        _ = Task.Run(async () =>
        {
            try
            {
                await (request.Stream ? RunStreamHandlerAsync(request, cancellation) : RunUnaryHandlerAsync(request, cancellation)).ConfigureAwait(false);
            }
            finally
            {
                HandlerDone();
            }
        });
    }

    private void ReleaseLoopShare()
    {
        if (Interlocked.Exchange(ref _loopShareReleased, 1) == 0)
        {
            HandlerDone();
        }
    }

    private void HandlerDone()
    {
        if (Interlocked.Decrement(ref _activeHandlers) == 0)
        {
            _handlersDrained.TrySetResult();
        }
    }

    private async Task RunUnaryHandlerAsync(RequestFrame request, CancellationTokenSource cancellation)
    {
        ResponseFrame response;
        try
        {
            var result = await _dispatcher!.InvokeAsync(request.Method, request.Params, cancellation.Token).ConfigureAwait(false);
            response = new ResponseFrame(request.Id, 0, true, result, null);
        }
        catch (Exception ex)
        {
            response = new ResponseFrame(request.Id, 0, true, null, HandlerError(ex, cancellation));
        }

        await FinishHandlerAsync(request.Id, response, cancellation).ConfigureAwait(false);
    }

    private async Task RunStreamHandlerAsync(RequestFrame request, CancellationTokenSource cancellation)
    {
        long seq = 0;
        ErrorInfo? error = null;
        try
        {
            await foreach (var item in _dispatcher!.StreamAsync(request.Method, request.Params, cancellation.Token).ConfigureAwait(false))
            {
                await _channel.SendAsync(new ResponseFrame(request.Id, seq, false, item, null), cancellation.Token).ConfigureAwait(false);
                seq++;
            }
        }
        catch (Exception ex)
        {
            error = HandlerError(ex, cancellation);
        }

        await FinishHandlerAsync(request.Id, new ResponseFrame(request.Id, seq, true, null, error), cancellation).ConfigureAwait(false);
    }

    private static ErrorInfo HandlerError(Exception ex, CancellationTokenSource cancellation) =>
        cancellation.IsCancellationRequested && ex is OperationCanceledException or ConnectionClosedException
            ? new ErrorInfo(ErrorCodes.Cancelled, ErrorMapping.CancelledMessage)
            : ErrorMapping.ToErrorInfo(ex);

    private async Task FinishHandlerAsync(long id, ResponseFrame response, CancellationTokenSource cancellation)
    {
        _running.TryRemove(new KeyValuePair<long, CancellationTokenSource>(id, cancellation));
        cancellation.Dispose();
        try
        {
            await _channel.SendAsync(response).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }
    }

    private long Register(PendingCall call)
    {
        if (_closeReason is not null)
        {
            throw new ConnectionClosedException("peer is closed", _closeReason);
        }

        var id = Interlocked.Increment(ref _lastId);
        _pending[id] = call;
        if (_closeReason is { } reason && _pending.TryRemove(id, out _))
        {
            // Lost the race with Finish(): it may already have swept the table.
            throw new ConnectionClosedException("peer is closed", reason);
        }

        return id;
    }

    private void Abandon(long id)
    {
        if (_pending.TryRemove(id, out var call) && call is UnaryCall unary)
        {
            unary.Result.TrySetCanceled();
            SendCancelInBackground(id);
        }
    }

    private void SendCancelInBackground(long id)
    {
        if (_closeReason is null)
        {
            SendInBackground(new CancelFrame(id, "caller cancelled"));
        }
    }

    private void SendInBackground(Frame frame) => _ = SendQuietlyAsync(frame);

    private async Task SendQuietlyAsync(Frame frame)
    {
        try
        {
            await _channel.SendAsync(frame).ConfigureAwait(false);
        }
        catch (ConnectionClosedException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void RaisePush(PushFrame push)
    {
        Action<PushFrame>? handlers;
        lock (_pushGate)
        {
            handlers = _pushReceived;
            if (handlers is null)
            {
                if (_unheardPushes is { Count: < MaxUnheardPushes })
                {
                    _unheardPushes.Add(push);
                }

                return;
            }
        }

        Deliver(handlers, push);
    }

    private static void Deliver(Action<PushFrame>? handlers, PushFrame push)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (var handler in handlers.GetInvocationList().Cast<Action<PushFrame>>())
        {
            try
            {
                handler(push);
            }
            catch (Exception)
            {
                // Spec §13: handler failures are swallowed so one bad handler cannot kill the session.
            }
        }
    }

    private Exception TranslateSendFailure(Exception ex) =>
        ex is OperationCanceledException or ConnectionClosedException ? ex : new ConnectionClosedException("peer disconnected", ex);

    private void Finish(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }

        CancelQuietly(_shutdown);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var call))
            {
                call.Fail(reason);
            }
        }

        _closed.TrySetResult(reason);
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static string? FrameType(Frame? frame) => frame switch
    {
        RequestFrame => "req",
        ResponseFrame => "res",
        CancelFrame => "cancel",
        PushFrame => "push",
        HelloFrame => "hello",
        _ => null,
    };

    private abstract class PendingCall
    {
        public abstract void Fail(Exception reason);
    }

    private sealed class UnaryCall : PendingCall
    {
        public TaskCompletionSource<ResponseFrame> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception reason) => Result.TrySetException(reason);
    }

    private sealed class StreamCall(int capacity) : PendingCall
    {
        public Channel<ResponseFrame> Items { get; } = Channel.CreateBounded<ResponseFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });

        public override void Fail(Exception reason) => Items.Writer.TryComplete(reason);
    }
}
