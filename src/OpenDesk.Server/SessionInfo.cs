namespace OpenDesk.Server;

/// <summary>What a session may do on the desk.</summary>
public enum SessionRole
{
    /// <summary>Drives the desk; at most one at a time (spec §15.2).</summary>
    Controller,

    /// <summary>
    /// Watches without acting: any number beside the controller, refused every action. No handshake grants this
    /// role yet; the registry and the dispatcher already hold to it.
    /// </summary>
    Observer,
}

/// <summary>A registered session as the admin IPC lists it (spec §15.1, §20.3).</summary>
public sealed record SessionInfo(
    string Id,
    string PeerName,
    string PeerPublicKeyHex,
    string RemoteAddress,
    double StartedAt,
    string Mode)
{
    /// <summary>Controller by default; an observer never takes the controller's slot.</summary>
    public SessionRole Role { get; init; } = SessionRole.Controller;

    public const string ServeMode = "serve";
    public const string PairMode = "pair";

    public double AgeSeconds(double now) => Math.Max(0, now - StartedAt);

    /// <summary>How logs and prompts name the peer: its trusted name, or <c>peer-xxxxxx</c> when it has none.</summary>
    public string Label => LabelOf(PeerName, PeerPublicKeyHex);

    public static string LabelOf(string peerName, string peerKeyHex) => peerName.Length > 0 ? peerName : Trust.Fingerprint.DefaultName(peerKeyHex);
}
