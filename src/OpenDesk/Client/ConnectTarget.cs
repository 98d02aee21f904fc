using System.Globalization;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Client;

/// <summary>Where to connect and which server key to expect, resolved from a peer name, the default peer or a URL (spec §19.1).</summary>
internal sealed record ConnectTarget(Uri Uri, string Host, int Port, byte[] ServerPublicKey, string Label)
{
    public const int DefaultPort = 8423;

    /// <summary>Resolves <paramref name="target"/> afresh (each reconnect re-reads cached endpoints).</summary>
    public static ConnectTarget Resolve(string? target, TrustStore trust)
    {
        if (string.IsNullOrEmpty(target))
        {
            var name = trust.GetDefaultPeer()
                ?? throw new OpenDeskException("no peer specified and no default-peer set (run `opendesk peers default <name>`)");
            return FromName(name, trust);
        }

        if (target.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(target);
        }

        return FromName(target, trust);
    }

    private static ConnectTarget FromUrl(string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        if (hash < 0)
        {
            throw new OpenDeskException($"explicit URL target requires '#<pubkey-hex>': got {PyRepr.Format(target)}");
        }

        var fragment = target[(hash + 1)..];
        byte[] key;
        try
        {
            key = Convert.FromHexString(fragment);
        }
        catch (FormatException)
        {
            throw new OpenDeskException("invalid pubkey hex in URL fragment");
        }

        if (key.Length != 32)
        {
            throw new OpenDeskException("invalid pubkey hex in URL fragment");
        }

        if (!Uri.TryCreate(target[..hash], UriKind.Absolute, out var parsed) || parsed.Host.Length == 0)
        {
            throw new OpenDeskException($"invalid URL target {PyRepr.Format(target)}");
        }

        // Upstream falls back to port 80 when none is given; the opendesk port is the useful default.
        var port = HasExplicitPort(target[..hash], parsed) ? parsed.Port : DefaultPort;
        var uri = new UriBuilder(parsed.Scheme, parsed.Host, port, "/").Uri;
        return new ConnectTarget(uri, parsed.Host, port, key, parsed.Host);
    }

    private static bool HasExplicitPort(string url, Uri parsed)
    {
        var authority = url[(parsed.Scheme.Length + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var closing = authority.LastIndexOf(']');
        return authority.LastIndexOf(':') > closing;
    }

    private static ConnectTarget FromName(string name, TrustStore trust)
    {
        var peer = trust.FindByName(name)
            ?? throw new OpenDeskException($"unknown peer {PyRepr.Format(name)}; run `opendesk pair {name}` first or pass an explicit URL");
        if (peer.Role == PeerRole.Controller)
        {
            throw new OpenDeskException(
                $"peer {PyRepr.Format(name)} is stored as a controller (it controls you), not as a remote machine you can connect to. Check your peer list with `opendesk peers`.");
        }

        if (peer.LastHost.Length == 0 || peer.LastPort == 0)
        {
            throw new OpenDeskException(
                $"peer {PyRepr.Format(name)} is paired but has no cached address and could not be located on the LAN within {5.0.ToString("0.0", CultureInfo.InvariantCulture)}s.  Either run `opendesk pair-with <host-ip> <code>` to give it an address, or ensure mDNS is reachable (see `opendesk wsl-setup` if on WSL).");
        }

        var uri = new UriBuilder("ws", peer.LastHost, peer.LastPort, "/").Uri;
        return new ConnectTarget(uri, peer.LastHost, peer.LastPort, peer.PublicKeyBytes, name);
    }
}
