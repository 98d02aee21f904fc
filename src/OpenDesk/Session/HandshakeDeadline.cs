namespace OpenDesk.Session;

/// <summary>
/// Upstream waits forever on a silent handshake peer; we drop it after a deadline (spec §7.4) and record a
/// <c>protocol</c> failure.
/// </summary>
public static class HandshakeDeadline
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> handshake, TimeSpan deadline, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(deadline);
        try
        {
            return await handshake(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HandshakeException(HandshakeFailureReason.Protocol, $"handshake timed out after {deadline.TotalSeconds:0.###} s", ex);
        }
    }
}
