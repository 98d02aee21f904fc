using OpenDesk.Server;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

/// <summary>
/// Stands in for the server's session registry. Sessions are injected directly, without a live connection,
/// the way upstream's admin tests do (scenario AD-5).
/// </summary>
internal sealed class FakeAdminOperations : IAdminOperations
{
    private readonly Lock _lock = new();
    private readonly List<SessionInfo> _sessions = [];
    private readonly List<(string Id, string Reason)> _kills = [];

    /// <summary>What the <c>pair</c> op does; by default it behaves like a window that is already open.</summary>
    public Func<string, TimeSpan, CancellationToken, Task<PairingOutcome>> Pair { get; set; } =
        (_, _, _) => throw new InvalidOperationException("a pairing window is already open");

    public int Port { get; set; } = 8423;

    /// <summary>When set, <c>list</c> fails with it, to prove failures become error replies.</summary>
    public Exception? ListFailure { get; set; }

    public IReadOnlyList<(string Id, string Reason)> Kills
    {
        get
        {
            lock (_lock)
            {
                return [.. _kills];
            }
        }
    }

    public void Add(SessionInfo session)
    {
        lock (_lock)
        {
            _sessions.Add(session);
        }
    }

    public IReadOnlyList<SessionInfo> ListSessions()
    {
        if (ListFailure is { } failure)
        {
            throw failure;
        }

        lock (_lock)
        {
            return [.. _sessions];
        }
    }

    public Task<bool> KillAsync(string sessionId, string reason, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _kills.Add((sessionId, reason));
            return Task.FromResult(_sessions.RemoveAll(s => s.Id == sessionId) > 0);
        }
    }

    public Task<int> KillAllAsync(string reason, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var count = _sessions.Count;
            foreach (var session in _sessions)
            {
                _kills.Add((session.Id, reason));
            }

            _sessions.Clear();
            return Task.FromResult(count);
        }
    }

    public Task<PairingOutcome> PairAsync(PairingRequest request, CancellationToken cancellationToken) =>
        Pair(request.Code, request.Timeout, cancellationToken);
}
