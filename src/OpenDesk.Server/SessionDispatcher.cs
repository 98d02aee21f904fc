using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Server.Audit;
using OpenDesk.Server.Policy;
using OpenDesk.Session;

namespace OpenDesk.Server;

/// <summary>
/// One session's view of the computer (spec §15.5): every unary call passes the approval policy, then the
/// dispatcher, then is audited, unknown methods and denials included; a stream is checked once at start
/// and not audited. A call reaching into the opendesk home is put to the policy as an action, never as an
/// observation, with a summary that says so.
/// </summary>
internal sealed class SessionDispatcher : IRequestDispatcher
{
    private readonly ComputerDispatcher _inner;
    private readonly IApprovalPolicy _policy;
    private readonly AuditLog? _audit;
    private readonly SessionInfo _session;
    private readonly string _label;
    private readonly ProtectedHome _home;

    /// <param name="inner">Runs the calls on the computer.</param>
    /// <param name="policy">Approves each call first.</param>
    /// <param name="audit">Records each unary call; null when auditing is off.</param>
    /// <param name="session">The session the calls belong to.</param>
    /// <param name="home">The serving home; <c>fs.*</c> calls reaching into it are gated (see <see cref="ProtectedHome"/>).</param>
    public SessionDispatcher(ComputerDispatcher inner, IApprovalPolicy policy, AuditLog? audit, SessionInfo session, Trust.OpenDeskHome home)
    {
        _inner = inner;
        _policy = policy;
        _audit = audit;
        _session = session;
        _label = session.Label;
        _home = new ProtectedHome(home.Path);
    }

    public async ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken)
    {
        var call = CallSummary.Describe(method, parameters, _home);
        var summary = call.Summary;
        try
        {
            await ApproveAsync(method, call, cancellationToken).ConfigureAwait(false);

            // An approval can take a while; a session evicted meanwhile must not act any more.
            cancellationToken.ThrowIfCancellationRequested();
            var result = await _inner.InvokeAsync(method, parameters, cancellationToken).ConfigureAwait(false);
            _audit?.Call(_session, method, summary, null, null);
            return result;
        }
        catch (Exception ex)
        {
            _audit?.Call(_session, method, summary, AuditCode(ex), ex.Message.Length > 0 ? ex.Message : ex.GetType().Name);
            throw;
        }
    }

    public async IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Methods.IsStream(method))
        {
            await ApproveAsync(method, CallSummary.Describe(method, parameters, _home), cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();

        await foreach (var item in _inner.StreamAsync(method, parameters, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private async Task ApproveAsync(string method, CallDescription call, CancellationToken cancellationToken)
    {
        if (_session.Role == SessionRole.Observer && !Methods.IsObservation(method))
        {
            throw new PermissionDeniedException($"{_label} is a read-only observer: it may not {call.Summary}");
        }

        string? denial;
        try
        {
            var request = new ApprovalRequest(_label, method, call.Summary, Methods.IsObservation(method) && !call.TouchesHome);
            denial = await _policy.CheckAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ProtocolException(ErrorCodes.Internal, $"approval policy failed: {ex.Message}");
        }

        if (denial is not null)
        {
            throw new PermissionDeniedException(denial);
        }
    }

    /// <summary>
    /// The audit's error classification (spec §22): upstream's own failure kinds keep their codes, while an
    /// error that already carried a wire code is recorded as <c>internal</c> [quirk kept for identical files].
    /// </summary>
    private static string AuditCode(Exception ex) => ex switch
    {
        OperationCanceledException => ErrorCodes.Cancelled,
        CapabilityUnsupportedException => ErrorCodes.CapabilityUnsupported,
        PermissionDeniedException => ErrorCodes.PermissionDenied,
        ProtocolException { Code: ErrorCodes.InvalidArgument } => ErrorCodes.InvalidArgument,
        ProtocolException => ErrorCodes.Internal,
        _ => ErrorMapping.ToErrorInfo(ex).Code,
    };
}
