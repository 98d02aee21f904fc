namespace OpenDesk.Cli.Json;

/// <summary>One machine as <c>opendesk discover --json</c> prints it; the public key in lowercase hex.</summary>
internal sealed record DiscoveredPeerListing(string Name, string Host, int Port, string Fingerprint, string PublicKey, string Description, string Url);
