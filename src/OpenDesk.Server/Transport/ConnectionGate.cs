using System.Net;
using Microsoft.Extensions.Logging;
using OpenDesk.Transport;

namespace OpenDesk.Server.Transport;

/// <summary>
/// Admits or refuses each new connection before anything is read from it, by the rules of
/// <see cref="ConnectionLimits"/>. Refusing is cheap (the socket is closed at accept), so a flood costs a
/// stranger more than it costs us; what is refused is logged in summaries, never once per connection.
/// </summary>
internal sealed class ConnectionGate
{
    // An attacker rotating addresses cannot grow the per-source table without bound; records that hold no
    // connection are dropped first, oldest failures first.
    private const int MaxTrackedSources = 4096;

    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly ConnectionLimits _limits;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, Source> _sources = [];
    private int _pending;
    private int _refusedSinceLog;
    private string? _lastRefusal;
    private long _lastLog = long.MinValue;

    public ConnectionGate(ConnectionLimits limits, ILogger logger, TimeProvider? time = null)
    {
        limits.Validate();
        _limits = limits;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Connections admitted and not yet authenticated or closed.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending;
            }
        }
    }

    /// <summary>A ticket for a new connection from <paramref name="address"/>, or null when it must be refused.</summary>
    public ConnectionTicket? TryAdmit(IPAddress? address)
    {
        var key = Normalise(address);
        string? refusal;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _sources.TryGetValue(key, out var source);
            refusal = Refusal(source, now);
            if (refusal is null)
            {
                source ??= Track(key);
                source.Pending++;
                _pending++;
                return new ConnectionTicket(this, key);
            }
        }

        NoteRefusal(key, refusal);
        return null;
    }

    /// <summary>Counts a failed handshake against the source; past the free ones it is refused for a while.</summary>
    public void RecordFailure(IPAddress address)
    {
        TimeSpan penalty;
        int failures;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var source = _sources.GetValueOrDefault(address) ?? Track(address);
            if (source.Failures > 0 && _time.GetElapsedTime(source.LastFailure, now) > _limits.ForgetFailuresAfter)
            {
                source.Failures = 0;
            }

            source.Failures++;
            source.LastFailure = now;
            failures = source.Failures;
            if (failures <= _limits.FreeFailures)
            {
                return;
            }

            var doublings = Math.Min(failures - _limits.FreeFailures - 1, 30);
            penalty = TimeSpan.FromTicks(Math.Min(_limits.MaxPenalty.Ticks, _limits.BasePenalty.Ticks << doublings));
            source.PenaltyUntil = now + (long)(penalty.TotalSeconds * _time.TimestampFrequency);
        }

        _logger.LogWarning("{Address}: {Failures} failed handshakes; refusing its connections for {Seconds} s",
            address, failures, penalty.TotalSeconds);
    }

    internal void Release(IPAddress key)
    {
        lock (_lock)
        {
            _pending--;
            if (_sources.TryGetValue(key, out var source))
            {
                source.Pending--;
                if (source.Pending == 0 && source.Failures == 0)
                {
                    _sources.Remove(key);
                }
            }
        }
    }

    private string? Refusal(Source? source, long now)
    {
        if (DescriptorHeadroom.IsLow)
        {
            return $"fewer than {DescriptorHeadroom.Reserve} file descriptors left";
        }

        if (source is { PenaltyUntil: var until } && until > now)
        {
            return $"penalised after {source.Failures} failed handshakes";
        }

        if (source?.Pending >= _limits.PerSource)
        {
            return $"{_limits.PerSource} unauthenticated connections from one address";
        }

        if (_pending >= _limits.StartupsFull)
        {
            return $"{_limits.StartupsFull} unauthenticated connections in all";
        }

        if (_pending >= _limits.StartupsBegin)
        {
            var span = Math.Max(1, _limits.StartupsFull - _limits.StartupsBegin);
            var percent = _limits.StartupsRate + ((100.0 - _limits.StartupsRate) * (_pending - _limits.StartupsBegin) / span);
            if (Random.Shared.NextDouble() * 100 < percent)
            {
                return $"early drop at {_pending} unauthenticated connections";
            }
        }

        return null;
    }

    private Source Track(IPAddress key)
    {
        if (_sources.Count >= MaxTrackedSources)
        {
            foreach (var stale in _sources.Where(s => s.Value.Pending == 0).OrderBy(s => s.Value.LastFailure).Take(_sources.Count / 4).ToList())
            {
                _sources.Remove(stale.Key);
            }
        }

        var source = new Source();
        _sources[key] = source;
        return source;
    }

    private void NoteRefusal(IPAddress address, string reason)
    {
        int refused;
        lock (_lock)
        {
            _refusedSinceLog++;
            var now = _time.GetTimestamp();
            if (reason == _lastRefusal && _lastLog != long.MinValue && _time.GetElapsedTime(_lastLog, now) < LogInterval)
            {
                return;
            }

            refused = _refusedSinceLog;
            _refusedSinceLog = 0;
            _lastRefusal = reason;
            _lastLog = now;
        }

        _logger.LogWarning("refused {Count} connection(s), the last from {Address}: {Reason}", refused, address, reason);
    }

    private static IPAddress Normalise(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private sealed class Source
    {
        public int Pending;
        public int Failures;
        public long LastFailure;
        public long PenaltyUntil;
    }
}

/// <summary>
/// An admitted connection's place among the unauthenticated ones. Give it back as soon as the peer has proven its
/// key (<see cref="Authenticated"/>); disposing it (when the connection ends) does so too, once.
/// </summary>
public sealed class ConnectionTicket : IDisposable
{
    private readonly ConnectionGate? _gate;
    private int _released;

    internal ConnectionTicket(ConnectionGate? gate, IPAddress address)
    {
        _gate = gate;
        Address = address;
    }

    /// <summary>A ticket that counts against nothing, for connections no gate admitted (in-process tests).</summary>
    public static ConnectionTicket Ungated(IPAddress? address = null) => new(null, address ?? IPAddress.None);

    /// <summary>The source address (IPv4-mapped addresses as plain IPv4).</summary>
    public IPAddress Address { get; }

    /// <summary>The peer proved its key: it no longer counts as a stranger.</summary>
    public void Authenticated() => Release();

    /// <summary>The handshake failed: counts toward penalising the source.</summary>
    public void HandshakeFailed()
    {
        if (_gate is not null && !Address.Equals(IPAddress.None))
        {
            _gate.RecordFailure(Address);
        }
    }

    public void Dispose() => Release();

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _gate?.Release(Address);
        }
    }
}
