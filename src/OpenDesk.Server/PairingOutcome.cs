namespace OpenDesk.Server;

/// <summary>Who paired through a pairing window.</summary>
public sealed record PairingOutcome(string Name, string PublicKeyHex, string Fingerprint)
{
    /// <summary>
    /// When another controller held the desk: its name (several joined by ", "). The new controller is paired and
    /// stored, but was turned away busy and can connect once the desk is free. Null when it was served.
    /// </summary>
    public string? ActiveController { get; init; }
}
