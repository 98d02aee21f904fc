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
/// <param name="IsObservation">
/// Whether the call only observes (auto-approved by the console policy): a method of the observation set, unless
/// it reaches into the opendesk home (<see cref="ProtectedHome"/>).
/// </param>
public sealed record ApprovalRequest(string PeerLabel, string Method, string Summary, bool IsObservation);

/// <summary>The default policy: every call is allowed.</summary>
/// <remarks>
/// That includes reading the opendesk home's private key. Refusing it here would protect nothing: a controller
/// under this policy may also run <c>process.shell</c> (<c>cat ~/.opendesk/identity.key</c>) or write files the
/// user's shell runs, so it already holds every power the key would give. A desk that must keep secrets from
/// its controllers needs a gating policy; the audit log still names calls that reach into the home.
/// </remarks>
public sealed class AllowAllPolicy : IApprovalPolicy
{
    public ValueTask<string?> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}
