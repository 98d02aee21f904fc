namespace OpenDesk.Server.Admin;


/// <summary>What the admin IPC may ask of a running server. Implemented by the server's session registry.</summary>
internal interface IAdminOperations
{
    IReadOnlyList<SessionInfo> ListSessions();

    /// <summary>Evicts one session (PUSH <c>session.evicted</c>, then close). False for an unknown id.</summary>
    Task<bool> KillAsync(string sessionId, string reason, CancellationToken cancellationToken);

    /// <summary>Evicts every session; returns how many live sessions were closed.</summary>
    Task<int> KillAllAsync(string reason, CancellationToken cancellationToken);

    /// <summary>The port the server listens on, shown in the pairing box.</summary>
    int Port { get; }

    /// <summary>
    /// Opens the pairing window <paramref name="request"/> describes and waits for the first successful pairing, so
    /// that <c>opendesk pair</c> works while serve holds the port. The window is open by the time the task is
    /// returned. Throws <see cref="TimeoutException"/> when nobody paired in time and
    /// <see cref="OpenDeskException"/> when a window is already open or the code was burned.
    /// </summary>
    Task<PairingOutcome> PairAsync(PairingRequest request, CancellationToken cancellationToken);
}
