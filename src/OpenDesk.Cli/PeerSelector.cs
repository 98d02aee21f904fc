using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Cli;

/// <summary>
/// What a command's NAME argument means: a peer's name, or its fingerprint (<c>9c2f:1abc:b3d4:8870</c>, the same
/// 16 hex digits without colons, or the whole public key), wherever a name is accepted.
/// </summary>
internal static class PeerSelector
{
    /// <summary>
    /// The peers <paramref name="nameOrFingerprint"/> names: those with that name, else the one with that
    /// fingerprint or key. Empty when none.
    /// </summary>
    public static IReadOnlyList<TrustedPeer> Matches(IReadOnlyList<TrustedPeer> peers, string nameOrFingerprint)
    {
        var byName = peers.Where(p => p.Name == nameOrFingerprint).ToList();
        return byName.Count > 0 ? byName : [.. peers.Where(p => Fingerprint.Matches(p.PublicKey, nameOrFingerprint))];
    }

    /// <summary>The one peer <paramref name="nameOrFingerprint"/> names, or null when none.</summary>
    /// <exception cref="CliException">It names several: they are listed with their fingerprints.</exception>
    public static TrustedPeer? FindOne(IReadOnlyList<TrustedPeer> peers, string nameOrFingerprint, string command)
    {
        var matches = Matches(peers, nameOrFingerprint);
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new CliException(Ambiguous(matches, nameOrFingerprint, command)),
        };
    }

    /// <summary>One line naming every match by fingerprint, and how to pick one.</summary>
    public static string Ambiguous(IReadOnlyList<TrustedPeer> matches, string nameOrFingerprint, string command) =>
        $"{PyRepr.Format(nameOrFingerprint)} matches {matches.Count} peers: " +
        string.Join("; ", matches.Select(p => $"{p.Fingerprint} ({RoleText(p.Role)}{(p.LastHost.Length > 0 ? $", last at {p.LastHost}:{p.LastPort}" : "")})")) +
        $". Name one by its fingerprint, e.g. `opendesk {command} {matches[0].Fingerprint}`.";

    private static string RoleText(string role) => role switch
    {
        PeerRole.Controller => "a controller of this machine",
        PeerRole.Remote => "a desk this machine controls",
        _ => "both directions",
    };
}
