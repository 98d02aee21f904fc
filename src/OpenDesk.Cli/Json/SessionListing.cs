namespace OpenDesk.Cli.Json;

/// <summary>
/// One session as <c>opendesk sessions --json</c> prints it. The peer is named with the keys <c>peers --json</c> uses
/// for the same things (<c>name</c>, <c>public_key</c>, <c>fingerprint</c>), so one script reads both.
/// </summary>
internal sealed record SessionListing(string Id, SessionPeer Peer, string RemoteAddress, double StartedAt, double AgeSeconds, string Mode);

/// <summary>The controller of a session, as the trust store names it.</summary>
internal sealed record SessionPeer(string Name, string PublicKey, string Fingerprint);
