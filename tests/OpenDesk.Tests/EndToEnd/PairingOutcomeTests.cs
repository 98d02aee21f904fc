using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// What both sides of a pairing say, through the real commands: a pairing that took is reported as such, one that
/// did not take is reported on both sides and stored on neither, and a standalone pairing window pairs and nothing else.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed partial class PairingOutcomeTests : IDisposable
{
    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task The_pairing_box_shows_where_this_machine_is_and_the_command_to_paste_which_pairs()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var port = LocalPorts.Free().ToString(CultureInfo.InvariantCulture);

        // Listening on every address, the box lists this machine's own and puts the first in the command.
        var pair = _scope.Start("pair", "--home", desk, "--port", port, "--timeout", "60", "--no-mdns");
        await pair.WaitForOutputAsync("Run on the controller");
        await pair.WaitForOutputAsync("└");
        var box = pair.Output;
        var code = PairingCode().Match(box).Groups[1].Value;
        Assert.Matches("^[0-9]{6}$", code);
        var command = ReadyCommand().Match(box);
        Assert.True(command.Success, box);
        var host = command.Groups[1].Value;
        Assert.Equal(code, command.Groups[2].Value);
        Assert.Equal(port, command.Groups[3].Value);
        Assert.Matches(@"│ address(es)?: +" + Regex.Escape(host) + " ", box);
        Assert.True(System.Net.IPAddress.TryParse(host, out _), $"not an address: {host}");

        // The line works as printed.
        var paired = await OpendeskCli.RunAsync([.. command.Value.Split(' ').Skip(1), "--home", controller]);
        Assert.True(paired.Exit == 0, paired.Err);
        Assert.StartsWith("✓ Paired with peer-", paired.Out, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        Assert.Equal(0, await pair.WaitForExitAsync());
    }

    [Fact]
    public async Task A_standalone_pairing_window_refuses_a_paired_controller_so_the_new_one_pairs_and_is_served()
    {
        var desk = _scope.Home("s");
        var old = _scope.Home("old");
        var port = LocalPorts.Free();
        var p = port.ToString(CultureInfo.InvariantCulture);
        await _scope.PairAsync(desk, old, port, "desk");

        var pair = _scope.Start("pair", "--home", desk, "--host", "127.0.0.1", "--port", p, "--code", "271828", "--timeout", "60");
        await pair.WaitForOutputAsync("pairing code: 271828");
        Assert.Contains($"│ address:      127.0.0.1 ", pair.Output, StringComparison.Ordinal);
        Assert.Contains($"│ opendesk pair-with 127.0.0.1 271828 --port {p} ", pair.Output, StringComparison.Ordinal);

        // The paired controller comes back while the window is open: it is turned away, and takes no slot.
        var returning = await OpendeskCli.RunAsync("connect", "desk", "--home", old);
        Assert.Equal(1, returning.Exit);
        Assert.Contains(
            $"ERROR: protocol: 127.0.0.1:{p} closed the connection before answering this controller's login. Most likely that machine is showing " +
            "a pairing code with a standalone `opendesk pair`",
            returning.Err,
            StringComparison.Ordinal);
        await pair.WaitForOutputAsync("a controller from 127.0.0.1 tried to connect as already paired; this window only pairs (`opendesk serve` serves paired controllers).");

        var newcomer = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "271828", "--port", p, "--home", _scope.Home("new"), "--name", "desk");
        Assert.True(newcomer.Exit == 0, newcomer.Err);
        Assert.DoesNotContain("busy", newcomer.Out, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        Assert.Equal(0, await pair.WaitForExitAsync());
        Assert.DoesNotContain("busy", pair.Output, StringComparison.Ordinal);

        var rejected = AuditLines(desk).Where(l => l.GetProperty("type").GetString() == "session.rejected").Select(l => l.GetProperty("reason").GetString());
        Assert.Contains("auth_failed: protocol", rejected);
    }

    [Fact]
    public async Task A_desk_that_cannot_store_the_pairing_says_so_on_both_sides_and_neither_keeps_it()
    {
        var desk = _scope.Home("s");
        var controller = _scope.Home("c");
        var p = LocalPorts.Free().ToString(CultureInfo.InvariantCulture);
        var pair = _scope.Start("pair", "--home", desk, "--host", "127.0.0.1", "--port", p, "--code", "161803", "--timeout", "60");
        await pair.WaitForOutputAsync("pairing code: 161803");

        // The desk's trust store breaks while its window is open.
        var store = Path.Combine(desk, "trusted-peers.json");
        File.WriteAllText(store, "[ damaged");

        var pairWith = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "161803", "--port", p, "--home", controller, "--name", "desk");
        Assert.Equal(1, pairWith.Exit);
        Assert.Equal(
            "ERROR: internal: the desk failed to store the pairing: its trust store is damaged or cannot be written, so it does not trust this controller; its owner sees why where `opendesk pair` runs",
            pairWith.Err.Trim());
        Assert.Empty(new TrustStore(new OpenDeskHome(controller)).List());

        Assert.Equal(1, await pair.WaitForExitAsync());
        Assert.Contains($"ERROR: the controller from 127.0.0.1 proved the code, but this desk could not store it: trusted-peers.json at {store} is corrupt: ", pair.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("✓ Paired", pair.Output, StringComparison.Ordinal);
        Assert.Equal("[ damaged", File.ReadAllText(store));
    }

    [Fact]
    public async Task A_corrupt_trust_store_stops_pair_before_a_code_is_shown()
    {
        var desk = _scope.Home("s");
        File.WriteAllText(Path.Combine(desk, "trusted-peers.json"), "[ damaged");

        var pair = await OpendeskCli.RunAsync("pair", "--home", desk, "--host", "127.0.0.1", "--port", "0", "--timeout", "5");

        Assert.Equal(1, pair.Exit);
        Assert.DoesNotContain("pairing code", pair.Out, StringComparison.Ordinal);
        Assert.StartsWith("ERROR: trusted-peers.json at ", pair.Err, StringComparison.Ordinal);
    }

    public void Dispose() => _scope.Dispose();

    private static IEnumerable<JsonElement> AuditLines(string home) =>
        Directory.EnumerateFiles(Path.Combine(home, "audit"), "*.jsonl")
            .SelectMany(File.ReadAllLines)
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone());

    [GeneratedRegex(@"pairing code: ([0-9]+)")]
    private static partial Regex PairingCode();

    [GeneratedRegex(@"opendesk pair-with (\S+) ([0-9]{6}) --port ([0-9]+)")]
    private static partial Regex ReadyCommand();
}
