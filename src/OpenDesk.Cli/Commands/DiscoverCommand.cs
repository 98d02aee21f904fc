using System.CommandLine;
using OpenDesk.Cli.Json;
using OpenDesk.Discovery;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk discover</c>: opendesk servers announcing themselves on the LAN (mDNS).</summary>
internal static class DiscoverCommand
{
    public static Command Create()
    {
        var timeout = new Option<double>("--timeout") { Description = "seconds to listen", DefaultValueFactory = _ => 2.0 };
        var command = new Command("discover", "List opendesk machines on the LAN");
        command.Options.Add(timeout);
        command.Options.Add(Cli.Json);
        command.SetAction(async (parse, ct) =>
        {
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0))
            {
                return Cli.Error("--timeout must be a positive number of seconds");
            }

            IReadOnlyList<DiscoveredPeer> peers;
            try
            {
                peers = await MdnsBrowser.BrowseAsync(TimeSpan.FromSeconds(seconds), ct);
            }
            catch (Exception ex) when (ex is MdnsException or System.Net.Sockets.SocketException)
            {
                return Cli.Error($"cannot browse the LAN: {ex.Message}");
            }

            if (parse.GetValue(Cli.Json))
            {
                Cli.WriteJson(
                    [.. peers.Select(p => new DiscoveredPeerListing(p.Name, p.Host, p.Port, p.Fingerprint, Convert.ToHexStringLower(p.PublicKey), p.Description, p.Url))],
                    CliJsonContext.Default.IReadOnlyListDiscoveredPeerListing);
                return 0;
            }

            if (peers.Count == 0)
            {
                Console.WriteLine("No opendesk peers found on the LAN.");
                return 0;
            }

            foreach (var line in DiscoverFormatter.Format(peers))
            {
                Console.WriteLine(line);
            }

            return 0;
        });
        return command;
    }
}
