namespace OpenDesk.Server.Admin;

/// <summary>
/// A session as the admin <c>list</c> reply describes it (spec §20.3): the server's <see cref="SessionInfo"/>
/// plus the age the server computed, so the CLI shows the daemon's clock rather than its own.
/// </summary>
public sealed record AdminSession(
    string Id,
    string PeerName,
    string PeerPublicKeyHex,
    string RemoteAddress,
    double StartedAt,
    double AgeSeconds,
    string Mode);
