namespace OpenDesk.Server.Policy;

/// <summary>
/// Decides, before a call runs, whether the controller may do it (spec §21). Implementations add other rules
/// (allow-lists, time windows) without touching the server. A denial reaches the controller as
/// <c>permission_denied</c>; any other exception as <c>internal</c>.
/// </summary>
public interface IApprovalPolicy
{
    /// <summary>Returns null to allow, or the denial message.</summary>
    ValueTask<string?> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken);
}

/// <summary>A call awaiting approval.</summary>
/// <param name="PeerLabel">The peer's name, or <c>peer-xxxxxx</c> when it has none.</param>
/// <param name="Method">The wire method name as received.</param>
/// <param name="Summary">What the call does, in the words of spec §21.</param>
/// <param name="IsObservation">Whether the method only observes (auto-approved by the console policy).</param>
public sealed record ApprovalRequest(string PeerLabel, string Method, string Summary, bool IsObservation);

/// <summary>The default policy: every call is allowed.</summary>
public sealed class AllowAllPolicy : IApprovalPolicy
{
    public ValueTask<string?> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
