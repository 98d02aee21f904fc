namespace OpenDesk.Server;

/// <summary>
/// The single-controller invariant (spec §15.2). Check and register happen under one lock, so under any
/// interleaving of connects at most one session is active. A removed session leaves the list at once (as the
/// admin IPC expects) but is remembered until its handlers have drained, and a newly registered session is told
/// to wait for that: the slot is handed over only when nothing of the previous controller still runs.
/// </summary>
internal sealed class SessionRegistry
{
    private readonly Lock _lock = new();
    private readonly List<ActiveSession> _sessions = [];
    private readonly List<ActiveSession> _draining = [];

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
            if (candidate.Info.Role == SessionRole.Observer)
            {
                // Observers sit beside the controller and each other; they never bump or block anyone.
                _sessions.Add(candidate);
                return RegistrationResult.Registered([], Task.CompletedTask);
            }

            var controllers = _sessions.Where(s => s.Info.Role == SessionRole.Controller).ToList();
            var bumped = controllers.Where(s => s.Info.PeerPublicKeyHex == candidate.Info.PeerPublicKeyHex).ToList();
            var others = controllers.Except(bumped).ToList();
            if (others.Count > 0)
            {
                var names = string.Join(", ", others.Select(s => s.Info.PeerName.Length > 0 ? s.Info.PeerName : "?"));
                return RegistrationResult.Busy(names);
            }

            foreach (var session in bumped)
            {
                _sessions.Remove(session);
                StartDraining(session);
            }

            _sessions.Add(candidate);
            return RegistrationResult.Registered(bumped, Task.WhenAll(_draining.Select(s => s.Drained)));
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
            StartDraining(session);
            return session;
        }
    }

    public bool Remove(ActiveSession session)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(session))
            {
                return false;
            }

            StartDraining(session);
            return true;
        }
    }

    public IReadOnlyList<ActiveSession> RemoveAll()
    {
        lock (_lock)
        {
            var all = _sessions.ToList();
            _sessions.Clear();
            foreach (var session in all)
            {
                StartDraining(session);
            }

            return all;
        }
    }

    private void StartDraining(ActiveSession session)
    {
        if (session.Drained.IsCompleted)
        {
            return;
        }

        _draining.Add(session);
        session.Drained.ContinueWith(
            _ =>
            {
                lock (_lock)
                {
                    _draining.Remove(session);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}

/// <summary>The outcome of <see cref="SessionRegistry.TryRegister"/>.</summary>
/// <param name="IsRegistered">Whether the candidate now holds the slot.</param>
/// <param name="BusyNames">When it does not: the names of the active controllers, as the busy message shows them.</param>
/// <param name="Bumped">Sessions of the same peer that the candidate replaced and that must be evicted.</param>
/// <param name="PreviousDrained">Completes when the handlers of every session that held the slot before have finished.</param>
internal sealed record RegistrationResult(bool IsRegistered, string BusyNames, IReadOnlyList<ActiveSession> Bumped, Task PreviousDrained)
{
    public static RegistrationResult Busy(string names) => new(false, names, [], Task.CompletedTask);

    public static RegistrationResult Registered(IReadOnlyList<ActiveSession> bumped, Task previousDrained) => new(true, "", bumped, previousDrained);

    public string BusyMessage => $"server is busy: {BusyNames} is the active controller. Disconnect them to take over.";
}
