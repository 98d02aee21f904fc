namespace OpenDesk.Transport;

/// <summary>
/// Declares a connection dead when the peer has been silent for the timeout and is not draining our data either.
/// The WebSocket's pings make an idle live peer talk (its pong); a peer busy receiving a long transfer proves itself
/// by acknowledging our bytes while more wait for it (its pong may be stuck behind megabytes in the socket buffers).
/// A frozen process or a black-holed link does neither: its receive window stays shut and no pong comes, so it is
/// dropped one timeout after it went quiet, however much we were sending it.
/// </summary>
internal sealed class LivenessMonitor : IDisposable
{
    private readonly TrafficStream _traffic;
    private readonly TcpDelivery? _delivery;
    private readonly long _timeoutMs;
    private readonly Action _onDead;
    private readonly Timer _timer;
    private long _acknowledged = -1;
    private bool _backlog;
    private long _lastDrained;
    private bool _kernelKnows;
    private int _fired;

    /// <param name="traffic">The observed stream under the WebSocket.</param>
    /// <param name="delivery">The kernel's view of our outgoing data, when the socket is at hand.</param>
    /// <param name="timeout">How long the peer may stay silent while not draining our data.</param>
    /// <param name="onDead">Called once, on a timer thread, when the peer is declared dead.</param>
    public LivenessMonitor(TrafficStream traffic, TcpDelivery? delivery, TimeSpan timeout, Action onDead)
    {
        _traffic = traffic;
        _delivery = delivery;
        _timeoutMs = (long)timeout.TotalMilliseconds;
        _onDead = onDead;
        _lastDrained = Environment.TickCount64;
        var period = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 8, 50, 500));
        _timer = new Timer(static state => ((LivenessMonitor)state!).Check(), this, period, period);
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        var now = Environment.TickCount64;
        SampleDelivery(now);
        if (IsAlive(now) || Interlocked.Exchange(ref _fired, 1) == 1)
        {
            return;
        }

        _timer.Dispose();
        _onDead();
    }

    private bool IsAlive(long now)
    {
        if (now - _traffic.LastReceive < _timeoutMs)
        {
            return true;
        }

        // Without the kernel's counters, a write still being taken in small pieces is the best evidence there is.
        return _kernelKnows
            ? now - _lastDrained < _timeoutMs
            : _traffic.SendPending && now - _traffic.LastSendProgress < _timeoutMs;
    }

    /// <summary>
    /// Acknowledgements count only while data is waiting: a frozen peer's kernel still acknowledges a lone ping, but
    /// stops taking a backlog once the application no longer reads.
    /// </summary>
    private void SampleDelivery(long now)
    {
        if (_delivery is null || !_delivery.TryRead(out var acknowledged, out var backlog))
        {
            return;
        }

        _kernelKnows = true;
        if ((backlog || _backlog) && _acknowledged >= 0 && acknowledged > _acknowledged)
        {
            _lastDrained = now;
        }

        _acknowledged = acknowledged;
        _backlog = backlog;
    }
}
