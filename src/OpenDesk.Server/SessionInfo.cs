namespace OpenDesk.Server;

/// <summary>A registered controller session as the admin IPC lists it (spec §15.1, §20.3).</summary>
public sealed record SessionInfo(
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

    /// <summary>How logs and prompts name the peer: its trusted name, or <c>peer-xxxxxx</c> when it has none.</summary>
    public string Label => LabelOf(PeerName, PeerPublicKeyHex);

    public static string LabelOf(string peerName, string peerKeyHex) => peerName.Length > 0 ? peerName : Trust.Fingerprint.DefaultName(peerKeyHex);
}
