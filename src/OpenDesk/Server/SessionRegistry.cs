namespace OpenDesk.Server;

/// <summary>
/// The single-controller invariant (spec §15.2). Check and register happen under one lock, so under any
/// interleaving of connects at most one session is active.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Lock _lock = new();
    private readonly List<ActiveSession> _sessions = [];

    public IReadOnlyList<ActiveSession> Snapshot()
    {
        lock (_lock)
        {
            return [.. _sessions];
        }
    }

    /// <summary>
    /// Registers <paramref name="candidate"/> unless a different peer is active. Sessions of the same peer are
    /// removed and returned for eviction: a controller reconnecting replaces its stale connection at once.
    /// </summary>
    public RegistrationResult TryRegister(ActiveSession candidate)
    {
        lock (_lock)
        {
            var bumped = _sessions.Where(s => s.Info.PeerPublicKeyHex == candidate.Info.PeerPublicKeyHex).ToList();
            var others = _sessions.Except(bumped).ToList();
            if (others.Count > 0)
            {
                var names = string.Join(", ", others.Select(s => s.Info.PeerName.Length > 0 ? s.Info.PeerName : "?"));
                return RegistrationResult.Busy(names);
            }

            _sessions.Clear();
            _sessions.Add(candidate);
            return RegistrationResult.Registered(bumped);
        }
    }

    public ActiveSession? Remove(string id)
    {
        lock (_lock)
        {
            var index = _sessions.FindIndex(s => s.Id == id);
            if (index < 0)
            {
                return null;
            }

            var session = _sessions[index];
            _sessions.RemoveAt(index);
            return session;
        }
    }

    public bool Remove(ActiveSession session)
    {
        lock (_lock)
        {
            return _sessions.Remove(session);
        }
    }

    public IReadOnlyList<ActiveSession> RemoveAll()
    {
        lock (_lock)
        {
            var all = _sessions.ToList();
            _sessions.Clear();
            return all;
        }
    }
}

/// <summary>The outcome of <see cref="SessionRegistry.TryRegister"/>.</summary>
internal sealed record RegistrationResult(bool IsRegistered, string BusyNames, IReadOnlyList<ActiveSession> Bumped)
{
    public static RegistrationResult Busy(string names) => new(false, names, []);

    public static RegistrationResult Registered(IReadOnlyList<ActiveSession> bumped) => new(true, "", bumped);

    public string BusyMessage => $"server is busy: {BusyNames} is the active controller. Disconnect them to take over.";
}
