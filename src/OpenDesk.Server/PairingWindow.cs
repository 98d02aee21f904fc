using OpenDesk.Server.Handshakes;
using OpenDesk.Session;

namespace OpenDesk.Server;

/// <summary>
/// An open invitation to pair with one code (spec §6.7, docs/protocol/pairing-cpace.md §7). Attempts may run side by
/// side, so a stalled one cannot keep the legitimate controller out; every attempt that got the server's offer and
/// did not finish with a proven code counts as wrong (a wrong code, an abort, a stall), and after
/// <see cref="MaxFailedAttempts"/> of them the code is burned. The first attempt that succeeds closes the window for
/// every other. CPace is always accepted; protocol v1 only in a window opened as legacy.
/// </summary>
internal sealed class PairingWindow
{
    public const int MaxFailedAttempts = 5;

    public const string LegacyRefused = "legacy v1 pairing is not enabled (open the window with --legacy)";

    private readonly TaskCompletionSource<PairingOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<string> _failedSources = [];
    private readonly PairingRequest _request;
    private int _claimed;

    public PairingWindow(PairingRequest request, DateTimeOffset expiresAt)
    {
        _request = request;
        ExpiresAt = expiresAt;
    }

    public DateTimeOffset ExpiresAt { get; }

    public bool AllowsLegacy => _request.AllowLegacy;

    public Task<PairingOutcome> Outcome => _outcome.Task;

    public bool IsOpen(DateTimeOffset now) => !_outcome.Task.IsCompleted && Volatile.Read(ref _claimed) == 0 && now < ExpiresAt;

    /// <summary>The pairing handshakes this window answers, for a desk with <paramref name="staticKey"/>.</summary>
    public IEnumerable<IServerHandshake> Handshakes(KeyPair staticKey)
    {
        yield return new CpacePairingServerHandshake(staticKey, _request.Code);
        if (_request.AllowLegacy)
        {
            yield return new LegacyPairingServerHandshake(staticKey, HandshakeCrypto.DerivePsk(_request.Code));
        }
    }

    /// <summary>
    /// Claims the window for an attempt that proved the code; false when another attempt already did, or the
    /// window closed meanwhile. Only the claimant stores its key and reports success.
    /// </summary>
    public bool TryClaim() => !_outcome.Task.IsCompleted && Interlocked.CompareExchange(ref _claimed, 1, 0) == 0;

    /// <summary>Counts a failed attempt from <paramref name="remoteAddress"/>; returns how many failed so far.</summary>
    public int RecordFailedAttempt(string remoteAddress)
    {
        string? burned = null;
        int failures;
        lock (_lock)
        {
            _failedSources.Add(OpenDesk.Transport.RemoteAddress.HostOf(remoteAddress));
            failures = _failedSources.Count;
            if (failures == MaxFailedAttempts)
            {
                var sources = string.Join(", ", _failedSources.GroupBy(s => s).Select(g => g.Count() == 1 ? g.Key : $"{g.Key} ×{g.Count()}"));
                burned = $"pairing code burned after {MaxFailedAttempts} failed attempts (from {sources}). Run `opendesk pair` again for a new code.";
            }
        }

        if (failures <= MaxFailedAttempts)
        {
            Notify($"a pairing attempt from {OpenDesk.Transport.RemoteAddress.HostOf(remoteAddress)} failed (wrong code, or it gave up): {failures} of {MaxFailedAttempts} before the code is burned");
        }

        if (burned is not null)
        {
            _outcome.TrySetException(new OpenDeskException(burned));
        }

        return failures;
    }

    /// <summary>Tells the desk's owner something about the window (a failed attempt, a refused legacy controller).</summary>
    public void Notify(string notice)
    {
        try
        {
            _request.OnNotice?.Invoke(notice);
        }
        catch (Exception)
        {
            // A notice is informational: whatever the listener does must not fail the pairing.
        }
    }

    public void Succeed(PairingOutcome outcome) => _outcome.TrySetResult(outcome);

    /// <summary>Ends the window with <paramref name="reason"/>: an attempt proved the code but could not be completed.</summary>
    public void Fail(Exception reason) => _outcome.TrySetException(reason);

    public void Expire(TimeSpan timeout) =>
        _outcome.TrySetException(new TimeoutException($"no peer paired within {Protocol.PyRepr.FormatFloat(timeout.TotalSeconds)}s."));

    public void Cancel() => _outcome.TrySetCanceled();
}
