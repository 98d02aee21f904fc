namespace OpenDesk.Server;

/// <summary>A registered controller session as the admin IPC lists it (spec §15.1, §20.3).</summary>
internal sealed record SessionInfo(
    string Id,
    string PeerName,
    string PeerPublicKeyHex,
    string RemoteAddress,
    double StartedAt,
    string Mode)
{
    public const string ServeMode = "serve";
    public const string PairMode = "pair";

    public double AgeSeconds(double now) => Math.Max(0, now - StartedAt);
}
