namespace OpenDesk.Server;

/// <summary>Who paired through a pairing window.</summary>
public sealed record PairingOutcome(string Name, string PublicKeyHex, string Fingerprint);
