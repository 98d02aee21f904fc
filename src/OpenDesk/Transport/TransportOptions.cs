namespace OpenDesk.Transport;

/// <summary>Tunables of the WebSocket transport (spec §1). The defaults match the upstream peers.</summary>
public sealed class TransportOptions
{
    /// <summary>100 MiB: the JS SDK's limit, and large enough for full-resolution captures and file reads.</summary>
    public const long DefaultMaxMessageBytes = 100L * 1024 * 1024;

    /// <summary>The largest limit that still fits one message, plus the one byte that detects an overrun, in an array.</summary>
    public static readonly long MaxAllowedMessageBytes = Array.MaxLength - 1;

    /// <summary>The Python <c>websockets</c> library pings every 20 s.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(20);

    /// <summary>The Python <c>websockets</c> library drops a peer whose pong is 20 s late.</summary>
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Long enough for a close reply over a slow link, short enough not to stall a shutdown.</summary>
    public static readonly TimeSpan DefaultCloseTimeout = TimeSpan.FromSeconds(2);

    private long _maxMessageBytes = DefaultMaxMessageBytes;
    private TimeSpan _keepAliveInterval = DefaultKeepAliveInterval;
    private TimeSpan _keepAliveTimeout = DefaultKeepAliveTimeout;
    private TimeSpan _closeTimeout = DefaultCloseTimeout;

    /// <summary>
    /// The largest message this side accepts. A longer message closes the connection (1009) once the
    /// received bytes pass the limit, so an oversize announcement never causes a large allocation.
    /// </summary>
    public long MaxMessageBytes
    {
        get => _maxMessageBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxAllowedMessageBytes);
            _maxMessageBytes = value;
        }
    }

    /// <summary>
    /// How long the connection may be idle before this side sends a ping. <see cref="TimeSpan.Zero"/> or
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables pings; this side still answers the peer's pings.
    /// </summary>
    public TimeSpan KeepAliveInterval
    {
        get => _keepAliveInterval;
        set => _keepAliveInterval = ValidateDisableable(value, nameof(KeepAliveInterval));
    }

    /// <summary>
    /// How long the peer may stay silent, while not taking our data either, before the connection is declared
    /// dead. Pings make an idle peer answer; a peer busy receiving a long transfer proves itself by draining it, so
    /// a pong stuck behind bulk data never drops a live peer. <see cref="TimeSpan.Zero"/> or
    /// <see cref="Timeout.InfiniteTimeSpan"/> disables the check (pings then only keep NAT state alive).
    /// The WebSocket checks its ping schedule about once a second, so this should exceed the interval by more
    /// than that.
    /// </summary>
    public TimeSpan KeepAliveTimeout
    {
        get => _keepAliveTimeout;
        set => _keepAliveTimeout = ValidateDisableable(value, nameof(KeepAliveTimeout));
    }

    /// <summary>
    /// How long a close (<see cref="IMessageTransport.CloseAsync"/>, a server stop, or a close forced by a
    /// protocol violation) waits for the peer's close reply before the TCP connection is aborted.
    /// A .NET peer only answers while its application has a receive pending. <see cref="TimeSpan.Zero"/>
    /// aborts at once, without sending a close frame.
    /// </summary>
    public TimeSpan CloseTimeout
    {
        get => _closeTimeout;
        set
        {
            if (value < TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(CloseTimeout), value, "must be zero or positive, and finite");
            }

            _closeTimeout = value;
        }
    }

    /// <summary>The interval as the WebSocket APIs expect it: <see cref="TimeSpan.Zero"/> means off.</summary>
    public TimeSpan EffectiveKeepAliveInterval => IsDisabled(_keepAliveInterval) ? TimeSpan.Zero : _keepAliveInterval;

    /// <summary>
    /// The liveness timeout, or <see cref="Timeout.InfiniteTimeSpan"/> when off. Without pings an idle live peer
    /// would look dead, so a disabled interval disables the timeout too.
    /// </summary>
    internal TimeSpan EffectiveKeepAliveTimeout =>
        IsDisabled(_keepAliveTimeout) || IsDisabled(_keepAliveInterval) ? Timeout.InfiniteTimeSpan : _keepAliveTimeout;

    /// <summary>
    /// The pong timeout handed to the WebSocket itself. It must send real pings (a timeout is what turns them on),
    /// but the verdict is <see cref="LivenessMonitor"/>'s, which also counts a peer draining our data as alive; the
    /// WebSocket's own check would drop a live peer whose pong waits behind a long transfer.
    /// </summary>
    public TimeSpan WebSocketPongTimeout =>
        EffectiveKeepAliveTimeout == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : TimeSpan.FromHours(1);

    private static bool IsDisabled(TimeSpan value) => value == TimeSpan.Zero || value == Timeout.InfiniteTimeSpan;

    private static TimeSpan ValidateDisableable(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be positive, TimeSpan.Zero or Timeout.InfiniteTimeSpan");
        }

        return value;
    }
}
