namespace OpenDesk.Server.Policy;

/// <summary>
/// Asks on the serving terminal before every call that is not an observation (spec §21). Only <c>y</c> or
/// <c>yes</c> allows. Without a terminal every gated call is denied. Prompts are asked one at a time.
/// </summary>
public sealed class ConsolePolicy : IApprovalPolicy
{
    public const string NoTtyWarning =
        "console approval: no TTY available — every action will be denied (observations still pass). Approve automatically (serve --approve auto) where nobody watches a terminal.";

    private readonly TextReader? _input;
    private readonly TextWriter _output;
    private readonly SemaphoreSlim _prompt = new(1, 1);

    /// <param name="input">The terminal to read answers from; null when there is none.</param>
    /// <param name="output">Where prompts are written.</param>
    public ConsolePolicy(TextReader? input, TextWriter output)
    {
        _input = input;
        _output = output;
    }

    public bool HasTerminal => _input is not null;

    public async ValueTask<string?> CheckAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        if (request.IsObservation)
        {
            return null;
        }

        if (_input is null)
        {
            return $"{request.PeerLabel} → {request.Summary}: no TTY for interactive approval";
        }

        await _prompt.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _output.WriteAsync($"\n[opendesk] {request.PeerLabel} wants to {request.Summary}. Allow? [y/N] ").ConfigureAwait(false);
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            var answer = (await _input.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.Trim().ToLowerInvariant();
            return answer is "y" or "yes" ? null : $"{request.PeerLabel} denied: {request.Summary}";
        }
        finally
        {
            _prompt.Release();
        }
    }
}
