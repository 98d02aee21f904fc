namespace OpenDesk.Server;

/// <summary>What <c>opendesk pair</c> asks of a server: a window for one code.</summary>
/// <param name="Code">The code to show; any string, though <c>opendesk pair</c> uses six digits.</param>
/// <param name="Timeout">How long the window stays open.</param>
public sealed record PairingRequest(string Code, TimeSpan Timeout)
{
    /// <summary>
    /// Also accept protocol v1 pairing, for upstream controllers. Whoever connects while such a window is open can
    /// test every code offline, so only the desk's owner asks for it, on a network they trust.
    /// </summary>
    public bool AllowLegacy { get; init; }

    /// <summary>
    /// Told, as it happens, of what the desk's owner should know: a failed attempt and where it came from, a legacy
    /// controller turned away.
    /// </summary>
    public Action<string>? OnNotice { get; init; }
}
