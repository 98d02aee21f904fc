using System.Globalization;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Client;

/// <summary>Where to connect and which server key to expect, resolved from a peer name, the default peer or a URL (spec §19.1).</summary>
internal sealed record ConnectTarget(Uri Uri, string Host, int Port, byte[] ServerPublicKey, string Label)
{
    /// <summary>Whether the target was a <c>ws://…#key</c> URL rather than a stored peer.</summary>
    public bool IsExplicitUrl { get; init; }

    public const int DefaultPort = 8423;

    /// <summary>Resolves <paramref name="target"/> afresh (each reconnect re-reads cached endpoints).</summary>
    public static async Task<ConnectTarget> ResolveAsync(string? target, TrustStore trust, TimeSpan discoveryTimeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(target))
        {
            var name = trust.GetDefaultPeer()
                ?? throw new OpenDeskException("no peer specified and no default-peer set (run `opendesk peers default <name>`)");
            return await FromNameAsync(name, trust, discoveryTimeout, cancellationToken).ConfigureAwait(false);
        }

        if (target.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("wss://", StringComparison.OrdinalIgnoreCase))
        {
            return FromUrl(target);
        }

        return await FromNameAsync(target, trust, discoveryTimeout, cancellationToken).ConfigureAwait(false);
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
        return new ConnectTarget(uri, parsed.Host, port, key, parsed.Host) { IsExplicitUrl = true };
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

    private static async Task<ConnectTarget> FromNameAsync(string name, TrustStore trust, TimeSpan discoveryTimeout, CancellationToken cancellationToken)
    {
        var peer = trust.FindByName(name)
            ?? FindByIdentifier(trust, name)
            ?? throw new OpenDeskException(
                $"unknown peer {PyRepr.Format(name)}: no paired machine has that name or fingerprint (`opendesk peers` lists them). " +
                $"Pair it with `opendesk pair-with HOST CODE --name {name}`, or pass an explicit ws://HOST:PORT#KEY URL");
        if (peer.Role == PeerRole.Controller)
        {
            throw new OpenDeskException(
                $"peer {PyRepr.Format(name)} is stored as a controller (it controls you), not as a remote machine you can connect to. Check your peer list with `opendesk peers`.");
        }

        var (host, port) = (peer.LastHost, peer.LastPort);
        if (host.Length == 0 || port == 0)
        {
            // No cached address: find the machine on the LAN by its key (spec §19.1).
            var found = await Discovery.MdnsBrowser.FindByPublicKeyAsync(peer.PublicKeyBytes, discoveryTimeout, cancellationToken).ConfigureAwait(false)
                ?? throw new OpenDeskException(
                    $"peer {PyRepr.Format(name)} is paired but has no cached address and could not be located on the LAN within {discoveryTimeout.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s.  Either run `opendesk pair-with <host-ip> <code>` to give it an address, or make sure mDNS (UDP port 5353) reaches this machine.");
            (host, port) = (found.Host, found.Port);
        }

        var uri = new UriBuilder("ws", host, port, "/").Uri;
        return new ConnectTarget(uri, host, port, peer.PublicKeyBytes, name);
    }

    /// <summary>The one stored peer whose public key (64 hex) or fingerprint (colon form or 16 hex) this is, if exactly one.</summary>
    private static TrustedPeer? FindByIdentifier(TrustStore trust, string identifier)
    {
        var matches = trust.List().Where(p => Fingerprint.Matches(p.PublicKey, identifier)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
