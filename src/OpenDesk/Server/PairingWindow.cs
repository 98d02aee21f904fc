using OpenDesk.Session;

namespace OpenDesk.Server;

/// <summary>
/// An open invitation to pair with one code (spec §6.7). One pairing handshake runs at a time; a wrong code
/// does not close the window, but after <see cref="MaxFailedAttempts"/> of them the code is burned so it
/// cannot be brute-forced from a million guesses.
/// </summary>
internal sealed class PairingWindow
{
    public const int MaxFailedAttempts = 5;

    private readonly TaskCompletionSource<PairingOutcome> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failedAttempts;
    private int _busy;

    public PairingWindow(string code, DateTimeOffset expiresAt)
    {
        Psk = HandshakeCrypto.DerivePsk(code);
        ExpiresAt = expiresAt;
    }

    public byte[] Psk { get; }

    public DateTimeOffset ExpiresAt { get; }

    public Task<PairingOutcome> Outcome => _outcome.Task;

    public bool IsOpen(DateTimeOffset now) => !_outcome.Task.IsCompleted && now < ExpiresAt;

    /// <summary>Claims the single pairing slot; false when another pairing handshake is in progress.</summary>
    public bool TryBeginAttempt() => Interlocked.CompareExchange(ref _busy, 1, 0) == 0;

    public void EndAttempt() => Volatile.Write(ref _busy, 0);

    public void RecordFailedAttempt()
    {
        if (Interlocked.Increment(ref _failedAttempts) >= MaxFailedAttempts)
        {
            _outcome.TrySetException(new OpenDeskException(
                $"pairing code burned after {MaxFailedAttempts} failed attempts. Run `opendesk pair` again for a new code."));
        }
    }

    public void Succeed(PairingOutcome outcome) => _outcome.TrySetResult(outcome);

    public void Expire(TimeSpan timeout) =>
        _outcome.TrySetException(new TimeoutException($"no peer paired within {Protocol.PyRepr.FormatFloat(timeout.TotalSeconds)}s."));

    public void Cancel() => _outcome.TrySetCanceled();
}
