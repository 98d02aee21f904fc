using System.Globalization;
using System.Text;

namespace OpenDesk.Discovery;

/// <summary>The output of <c>opendesk discover</c> (spec §24), as lines for the CLI to print.</summary>
public static class DiscoverFormatter
{
    public const string NoPeersLine = "No opendesk peers found on the LAN.";

    private const int NameWidth = 24;
    private const int AddressWidth = 22;
    private const int FingerprintWidth = 22;
    private const int DescriptionLength = 80;

    /// <summary>
    /// <see cref="NoPeersLine"/> alone, or a header and one row per peer: NAME (24), ADDR (22, <c>host:port</c>),
    /// FINGERPRINT (22) and DESCRIPTION (first 80 characters), separated by two spaces. Columns pad but never cut,
    /// and widths count characters (code points), both as upstream's Python f-strings do. Unlike upstream, control
    /// characters in names and descriptions become spaces: they come from the network and would otherwise reach the
    /// terminal as escape sequences.
    /// </summary>
    public static IReadOnlyList<string> Format(IReadOnlyList<DiscoveredPeer> peers)
    {
        ArgumentNullException.ThrowIfNull(peers);
        if (peers.Count == 0)
        {
            return [NoPeersLine];
        }

        var lines = new List<string>(peers.Count + 1) { Row("NAME", "ADDR", "FINGERPRINT", "DESCRIPTION") };
        foreach (DiscoveredPeer peer in peers)
        {
            string address = string.Create(CultureInfo.InvariantCulture, $"{peer.Host}:{peer.Port}");
            lines.Add(Row(Printable(peer.Name), address, peer.Fingerprint, Cut(Printable(peer.Description), DescriptionLength)));
        }

        return lines;
    }

    private static string Row(string name, string address, string fingerprint, string description) =>
        $"{Pad(name, NameWidth)}  {Pad(address, AddressWidth)}  {Pad(fingerprint, FingerprintWidth)}  {description}";

    private static string Pad(string text, int width)
    {
        int length = text.EnumerateRunes().Count();
        return length >= width ? text : text + new string(' ', width - length);
    }

    private static string Cut(string text, int maxRunes)
    {
        var cut = new StringBuilder();
        foreach (Rune rune in text.EnumerateRunes().Take(maxRunes))
        {
            cut.Append(rune.ToString());
        }

        return cut.ToString();
    }

    private static string Printable(string text) =>
        string.Create(text.Length, text, static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
}
