using System.Globalization;

namespace OpenDesk.Discovery;

/// <summary>
/// An opendesk server found over mDNS (spec §23). <see cref="Name"/> is the instance name without the service
/// suffix; <see cref="Fingerprint"/> is derived from <see cref="PublicKey"/>, not copied from the TXT <c>fp</c>, because
/// the key is what a connection pins and a fingerprint shown to the user must describe that key.
/// </summary>
public sealed record DiscoveredPeer(string Name, string Host, int Port, byte[] PublicKey, string Fingerprint, string Description)
{
    /// <summary><c>ws://host:port</c>; an IPv6 host is bracketed so the URL stays parseable.</summary>
    public string Url => Host.Contains(':', StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"ws://[{Host}]:{Port}")
        : string.Create(CultureInfo.InvariantCulture, $"ws://{Host}:{Port}");
}
