using OpenDesk.Client;
using OpenDesk.Trust;

namespace OpenDesk.Cli;

/// <summary>
/// How the controller commands reach a desk: PEER is a name, a fingerprint or a <c>ws://host:port#key</c> URL (the
/// default peer when omitted), and a refused key is explained rather than reported by its reason code.
/// </summary>
internal static class RemoteConnection
{
    public static async Task<RemoteComputer> ConnectAsync(OpenDeskHome home, string? target, CancellationToken cancellationToken)
    {
        var (resolved, host, port) = Resolve(home, target);
        try
        {
            return await RemoteComputer.ConnectAsync(resolved, new RemoteComputerOptions { Home = home.Path, AutoReconnect = false }, cancellationToken);
        }
        catch (HandshakeException ex) when (ex.Reason == HandshakeFailureReason.UnexpectedPeer)
        {
            throw new CliException(Refused(target ?? "the default peer", host, port), inner: ex, code: ex.Reason);
        }
    }

    /// <summary>What to tell a controller whose desk did not prove the expected key.</summary>
    internal static string Refused(string peer, string? host, int port)
    {
        var at = host is null ? "its address" : $"{host}:{port}";
        var pairWith = host is null ? "opendesk pair-with HOST CODE" : $"opendesk pair-with {host} CODE --port {port}";
        return $"{peer} at {at} did not accept this controller (unexpected_peer). Most likely the desk no longer trusts this controller: it was unpaired there; " +
            $"to pair again, run `opendesk pair` on the desk and `{pairWith}` here. Otherwise a different machine now answers at {at}.";
    }

    /// <summary>What to hand the library (a name it resolves to exactly this peer) and the host and port it will dial, when known.</summary>
    private static (string? Target, string? Host, int Port) Resolve(OpenDeskHome home, string? target)
    {
        if (target is not null && (target.StartsWith("ws://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("wss://", StringComparison.OrdinalIgnoreCase)))
        {
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            return Uri.TryCreate(hash < 0 ? target : target[..hash], UriKind.Absolute, out var uri)
                ? (target, uri.Host, uri.IsDefaultPort ? Server.ServerOptions.DefaultPort : uri.Port)
                : (target, null, 0);
        }

        var store = new TrustStore(home);
        var peers = store.List();
        var name = target ?? store.GetDefaultPeer();
        if (name is null || PeerSelector.FindOne(peers, name, "connect") is not { } peer)
        {
            return (target, null, 0);
        }

        var known = peer.LastHost.Length > 0 && peer.LastPort != 0;

        // A name two peers share, or a fingerprint, goes to the library as the key, which names exactly one.
        var unique = peer.Name.Length > 0 && peers.Count(p => p.Name == peer.Name) == 1;
        return (target is null ? null : unique ? peer.Name : peer.PublicKey, known ? peer.LastHost : null, peer.LastPort);
    }
}
