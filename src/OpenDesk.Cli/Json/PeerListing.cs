namespace OpenDesk.Cli.Json;

/// <summary>One trusted peer as <c>opendesk peers --json</c> prints it.</summary>
internal sealed record PeerListing(
    string Name,
    string PublicKey,
    string Fingerprint,
    string Role,
    string LastHost,
    int LastPort,
    string Description,
    double PairedAt,
    bool Default);
