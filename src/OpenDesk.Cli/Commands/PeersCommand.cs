using System.CommandLine;
using OpenDesk.Cli.Json;
using OpenDesk.Protocol;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Commands;

/// <summary><c>opendesk peers</c>: the trust store from the controller's side (spec §24).</summary>
internal static class PeersCommand
{
    public static Command Create()
    {
        var peers = new Command("peers", "List and manage trusted peers (default sub-command: list)");
        var list = CreateList();
        peers.Subcommands.Add(list);
        peers.Subcommands.Add(CreateRemove());
        peers.Subcommands.Add(CreateRename());
        peers.Subcommands.Add(CreateDefault());
        peers.Subcommands.Add(CreateDescribe());
        peers.Options.Add(Cli.Json);
        peers.SetAction(parse => List(parse));
        return peers;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List trusted peers");
        list.Options.Add(Cli.Json);
        list.SetAction(parse => List(parse));
        return list;
    }

    private static int List(ParseResult parse)
    {
        var store = new TrustStore(Cli.HomeOf(parse));
        var entries = store.List();
        var defaultPeer = store.GetDefaultPeer();
        if (parse.GetValue(Cli.Json))
        {
            Cli.WriteJson(Listing(entries, defaultPeer), CliJsonContext.Default.IReadOnlyListPeerListing);
            return 0;
        }

        if (entries.Count == 0)
        {
            Console.WriteLine("No trusted peers.");
            return 0;
        }

        Console.WriteLine($"{Cli.Pad("NAME", 22)}  {Cli.Pad("FINGERPRINT", 22)}  {Cli.Pad("LAST ENDPOINT", 22)}  DESCRIPTION");
        foreach (var peer in entries)
        {
            var endpoint = peer.LastHost.Length > 0 && peer.LastPort != 0 ? $"{peer.LastHost}:{peer.LastPort}" : "(unknown)";
            var line = $"{Cli.Pad(peer.Name, 22)}  {Cli.Pad(peer.Fingerprint, 22)}  {Cli.Pad(endpoint, 22)}  {ShortDescription(peer.EffectiveDescription)}";
            if (peer.Name.Length > 0 && peer.Name == defaultPeer)
            {
                line += "  [default]";
            }

            Console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>The trusted peers as <c>--json</c> lists them, the default one marked.</summary>
    internal static IReadOnlyList<PeerListing> Listing(IEnumerable<TrustedPeer> peers, string? defaultPeer) =>
        [.. peers.Select(p => new PeerListing(
            p.Name, p.PublicKey, p.Fingerprint, p.Role, p.LastHost, p.LastPort, p.EffectiveDescription, p.PairedAt, p.Name == defaultPeer))];

    private static Command CreateRemove()
    {
        var remove = new Command("remove", "Revoke a paired peer (same as `opendesk unpair`)");
        var target = new Argument<string>("name") { Description = "Friendly name from `opendesk peers list`, or the peer's fingerprint" };
        remove.Arguments.Add(target);
        remove.SetAction((parse, ct) => UnpairCommand.RunAsync(Cli.HomeOf(parse), parse.GetValue(target)!, ct));
        return remove;
    }

    private static Command CreateRename()
    {
        var rename = new Command("rename", "Give a peer a new name");
        var target = new Argument<string>("target") { Description = "current name or fingerprint" };
        var newName = new Argument<string>("new") { Description = "the new name, not taken by another peer, nor 'local' (this machine in `opendesk mcp`)" };
        rename.Arguments.Add(target);
        rename.Arguments.Add(newName);
        rename.Validators.Add(result =>
        {
            if (result.GetValue(newName) is { } value && value.Trim().Length == 0)
            {
                result.AddError("the new name must not be empty");
            }
        });
        rename.SetAction(parse =>
        {
            var from = parse.GetValue(target)!;
            var to = parse.GetValue(newName)!;
            PeerNameRules.RefuseReserved(to, "choose another name");
            var store = new TrustStore(Cli.HomeOf(parse));
            var peers = store.List();
            if (PeerSelector.FindOne(peers, from, "peers rename") is not { } peer)
            {
                return Cli.Complain($"No peer matched {PyRepr.Format(from)}.");
            }

            if (peers.FirstOrDefault(p => p.Name == to && p.PublicKey != peer.PublicKey) is { } taken)
            {
                throw new CliException(
                    $"a peer named {PyRepr.Format(to)} already exists ({taken.Fingerprint}); choose another name, or remove that one first with `opendesk peers remove {taken.Fingerprint}`.");
            }

            if (!store.Rename(peer.PublicKey, to))
            {
                return Cli.Complain($"No peer matched {PyRepr.Format(from)}.");
            }

            Console.WriteLine($"Renamed {from} → {to}.");
            return 0;
        });
        return rename;
    }

    private static Command CreateDefault()
    {
        var command = new Command("default", "Show or set the peer `opendesk connect` uses without a name");
        var name = new Argument<string?>("name") { Description = "peer (name or fingerprint) to use by default", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "forget the default peer" };
        command.Arguments.Add(name);
        command.Options.Add(clear);
        command.SetAction(parse =>
        {
            var store = new TrustStore(Cli.HomeOf(parse));
            if (parse.GetValue(clear))
            {
                Console.WriteLine(store.ClearDefaultPeer() ? "Default peer cleared." : "No default peer was set.");
                return 0;
            }

            if (parse.GetValue(name) is not { } value)
            {
                Console.WriteLine(store.GetDefaultPeer() ?? "No default peer set.");
                return 0;
            }

            if (PeerSelector.FindOne(store.List(), value, "peers default") is not { } peer || !store.SetDefaultPeer(peer.Name))
            {
                return Cli.Complain($"No trusted peer named {PyRepr.Format(value)}.");
            }

            Console.WriteLine($"Default peer is now: {peer.Name}");
            return 0;
        });
        return command;
    }

    private static Command CreateDescribe()
    {
        var command = new Command("describe", "Show or override a peer's description");
        var name = new Argument<string>("name") { Description = "peer name or fingerprint" };
        var text = new Argument<string?>("text") { Description = "description override to store", Arity = ArgumentArity.ZeroOrOne };
        var clear = new Option<bool>("--clear") { Description = "remove the override" };
        command.Arguments.Add(name);
        command.Arguments.Add(text);
        command.Options.Add(clear);
        command.SetAction(parse =>
        {
            var store = new TrustStore(Cli.HomeOf(parse));
            var given = parse.GetValue(name)!;
            if (PeerSelector.FindOne(store.List(), given, "peers describe") is not { } peer)
            {
                return Cli.Complain($"No peer named {PyRepr.Format(given)}.");
            }

            var peerName = peer.Name;

            if (parse.GetValue(clear))
            {
                store.ClearDescriptionOverride(peerName);
                Console.WriteLine($"Description override for {peerName} cleared.");
                return 0;
            }

            if (parse.GetValue(text) is { } value)
            {
                store.SetDescriptionOverride(peerName, value);
                Console.WriteLine($"Description override saved for {peerName}.");
                return 0;
            }

            if (peer.DescriptionOverride.Length == 0 && peer.Description.Length == 0)
            {
                Console.WriteLine("(no description yet — the peer hasn't broadcast one and no override is set)");
            }

            if (peer.DescriptionOverride.Length > 0)
            {
                Console.WriteLine($"override: {peer.DescriptionOverride}");
            }

            if (peer.Description.Length > 0)
            {
                Console.WriteLine($"broadcast: {peer.Description}");
            }

            return 0;
        });
        return command;
    }

    private static string ShortDescription(string description)
    {
        var firstLine = description.Split('\n', 2)[0].Trim();
        return firstLine.Length > 60 ? firstLine[..60] + "…" : firstLine;
    }
}
