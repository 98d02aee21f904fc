using System.Globalization;
using System.Text;
using OpenDesk.Discovery;
using OpenDesk.Mcp.Desks;
using OpenDesk.Trust;

namespace OpenDesk.Mcp.Tools;

/// <summary>
/// The <c>opendesk_*</c> tools: which desks there are, which one calls drive, what each can do and is for.
/// Pairing is not among them: its code is typed by a person.
/// </summary>
internal static class AdminTools
{
    private const int DescriptionPreview = 80;

    private static readonly ToolParameter OptionalPeer = new("peer", ToolValueKind.String, "A paired desk's name (see opendesk_peers), or 'local' for this machine.");

    public static ToolDefinition Peers { get; } = new()
    {
        Name = "opendesk_peers",
        Title = "List desks",
        Description =
            "List the desks this session can drive: this machine ('local') and every paired desk, with fingerprints, addresses and the start of each " +
            "description. [default] marks what calls without peer drive; [connected] marks open connections.",
        ReadOnly = true,
        Parameters = [],
        RunAsync = call => Task.FromResult(ToolOutput.Text(ListPeers(call.Router))),
    };

    public static ToolDefinition Use { get; } = new()
    {
        Name = "opendesk_use",
        Title = "Choose the desk",
        Description = "Choose the desk that computer-use calls without peer drive: a paired desk's name, or 'local' for this machine.",
        Parameters = [new ToolParameter("peer", ToolValueKind.String, "A paired desk's name (see opendesk_peers), or 'local'.") { Required = true }],
        RunAsync = call => Task.FromResult(ToolOutput.Text(call.Router.Use(call.Args.String("peer")))),
    };

    public static ToolDefinition Status { get; } = new()
    {
        Name = "opendesk_status",
        Title = "Session status",
        Description = "Show which desk calls without peer drive now, and why, and which connections are open.",
        ReadOnly = true,
        Parameters = [],
        RunAsync = call =>
        {
            var router = call.Router;
            var (name, why) = router.Default();
            var open = router.OpenNames();
            var text = name is null
                ? $"No default desk: {why}; pass peer on each call or choose one with opendesk_use."
                : $"Calls without peer drive {(name == DeskRouter.Local ? "this machine (local)" : $"'{name}'")}: {why}.";
            text += open.Count == 0 ? "\nNo connection is open." : $"\nOpen: {string.Join(", ", open)}.";
            return Task.FromResult(ToolOutput.Text(text));
        },
    };

    public static ToolDefinition Discover { get; } = new()
    {
        Name = "opendesk_discover",
        Title = "Find desks on the LAN",
        Description =
            "Find opendesk desks announcing themselves on the LAN (mDNS). Only paired desks can be driven; pairing one is a step for a person " +
            "(`opendesk pair` there, `opendesk pair-with <host> <code>` here).",
        ReadOnly = true,
        Parameters = [new ToolParameter("timeout", ToolValueKind.Number, "Seconds to listen.") { Default = 2.0, Minimum = 0.1, Maximum = 30 }],
        RunAsync = DiscoverAsync,
    };

    public static ToolDefinition Capabilities { get; } = new()
    {
        Name = "opendesk_capabilities",
        Title = "Desk capabilities",
        Description = "Show what a desk's backend can do (screen capture, input, windows, clipboard, files, processes, accessibility...). Omit peer for the default desk.",
        ReadOnly = true,
        Parameters = [Common.Peer],
        OnDesk = true,
        RunAsync = call =>
        {
            var manifest = call.Desk.Computer.Manifest;
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{call.Where} (backend {manifest.Backend}) offers: ");
            text.Append(manifest.Capabilities.Count == 0 ? "nothing (no desktop)" : string.Join(", ", manifest.Capabilities.Order(StringComparer.Ordinal)));
            text.Append('.');
            if (manifest.Description.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"\nDescription: {manifest.Description}");
            }

            return Task.FromResult(ToolOutput.Text(text.ToString()));
        },
    };

    public static ToolDefinition Disconnect { get; } = new()
    {
        Name = "opendesk_disconnect",
        Title = "Close connections",
        Description = "Close the connection to a desk (or to all of them when peer is omitted), leaving its controller slot free for others. The desk stays paired.",
        Parameters = [new ToolParameter("peer", ToolValueKind.String, "The desk whose connection to close; omitted: all.")],
        RunAsync = async call =>
        {
            var name = call.Args.String("peer");
            var closed = await call.Router.DisconnectAsync(name).ConfigureAwait(false);
            return ToolOutput.Text(name is null
                ? $"Closed {closed} connection{(closed == 1 ? "" : "s")}."
                : closed == 0 ? $"No connection to '{name}' was open." : $"Closed the connection to '{name}'.");
        },
    };

    public static ToolDefinition Describe { get; } = new()
    {
        Name = "opendesk_describe",
        Title = "Desk description",
        Description =
            "The full description of a desk: what that machine is for and what it has, as its owner set it with `opendesk describe` (or as overridden " +
            "here with `opendesk peers describe`). Use it to choose the right desk for a task.",
        ReadOnly = true,
        Parameters = [OptionalPeer with { Required = true }],
        RunAsync = call => Task.FromResult(ToolOutput.Text(DescribePeer(call.Router, call.Args.String("peer")!))),
    };

    public static IReadOnlyList<ToolDefinition> All { get; } = [Peers, Use, Status, Discover, Capabilities, Disconnect, Describe];

    private static string ListPeers(DeskRouter router)
    {
        var (current, _) = router.Default();
        var open = router.OpenNames();
        var desks = router.PairedDesks();
        var text = new StringBuilder();
        if (router.HasLocal)
        {
            text.Append("local: this machine").Append(Marks(DeskRouter.Local, current, open));
        }

        foreach (var desk in desks)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            var endpoint = desk.LastHost.Length > 0 ? $"{desk.LastHost}:{desk.LastPort}" : "(address found on the LAN)";
            text.Append(CultureInfo.InvariantCulture, $"{desk.Name}: {desk.Fingerprint} at {endpoint}").Append(Marks(desk.Name, current, open));
            var description = desk.EffectiveDescription.Split('\n')[0];
            if (description.Length > 0)
            {
                text.Append(" — ").Append(description.Length > DescriptionPreview ? description[..DescriptionPreview] + "…" : description);
            }
        }

        if (desks.Count == 0)
        {
            text.Append(text.Length > 0 ? "\n" : "").Append("No desk is paired yet. Pairing is a step for a person: `opendesk pair` on the desk, `opendesk pair-with <host> <code> --name NAME` here.");
        }
        else if (desks.Any(d => d.EffectiveDescription.Length > 0))
        {
            text.Append("\nopendesk_describe shows a desk's full description.");
        }

        return text.ToString();
    }

    private static string Marks(string name, string? current, IReadOnlyList<string> open) =>
        (name == current ? " [default]" : "") + (open.Contains(name) ? " [connected]" : "");

    private static string DescribePeer(DeskRouter router, string name)
    {
        if (name == DeskRouter.Local)
        {
            var own = new DescriptionFile(router.Home).Read();
            return own.Length == 0 ? "This machine has no description (`opendesk describe TEXT` sets one)." : $"This machine (local), as described with `opendesk describe`:\n{own}";
        }

        var desk = router.PairedDesks().FirstOrDefault(d => d.Name == name)
            ?? throw new ToolFailure($"No paired desk is named '{name}'; opendesk_peers lists them.");
        if (desk.DescriptionOverride.Length > 0)
        {
            var broadcast = desk.Description.Length > 0 ? $"\n(The desk itself broadcasts: {desk.Description})" : "";
            return $"'{name}', as described here (override set with `opendesk peers describe`):\n{desk.DescriptionOverride}{broadcast}";
        }

        return desk.Description.Length > 0
            ? $"'{name}', as its owner describes it (broadcast by the desk):\n{desk.Description}"
            : $"'{name}' has no description yet: its owner has not set one (`opendesk describe` there), or it was never connected to.";
    }

    private static async Task<ToolOutput> DiscoverAsync(ToolCall call)
    {
        var seconds = call.Args.Number("timeout") ?? 2.0;
        IReadOnlyList<DiscoveredPeer> found;
        try
        {
            found = await MdnsBrowser.BrowseAsync(TimeSpan.FromSeconds(seconds), call.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MdnsException or System.Net.Sockets.SocketException)
        {
            throw new ToolFailure($"Cannot browse the LAN: {ex.Message}");
        }

        if (found.Count == 0)
        {
            return ToolOutput.Text($"No opendesk desk announced itself on the LAN within {seconds.ToString("0.#", CultureInfo.InvariantCulture)} s.");
        }

        var paired = call.Router.PairedDesks();
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{found.Count} desk{(found.Count == 1 ? "" : "s")} on the LAN:");
        foreach (var peer in found)
        {
            var match = paired.FirstOrDefault(p => string.Equals(p.PublicKey, Convert.ToHexStringLower(peer.PublicKey), StringComparison.Ordinal));
            text.Append(CultureInfo.InvariantCulture, $"\n{peer.Name} at {peer.Host}:{peer.Port}, {peer.Fingerprint}");
            text.Append(match is null ? " — not paired" : $" — paired as '{match.Name}'");
            if (peer.Description.Length > 0)
            {
                text.Append(": ").Append(peer.Description);
            }
        }

        return ToolOutput.Text(text.ToString());
    }
}
