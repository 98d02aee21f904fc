using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// Bad input of every kind, through the real command: one <c>ERROR:</c> line that says what and what to do (exit 1),
/// or for a wrong command line the error and a short usage (exit 2); never a stack trace, never a changed file.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliErrorTests : IDisposable
{
    private const string Garbage = "{\"this is\": not JSON at all";
    private static readonly Dictionary<string, string> NoDisplay = new() { ["DISPLAY"] = "" };

    private readonly EndToEndScope _scope = new();

    [Theory]
    [InlineData("peers")]
    [InlineData("peers list")]
    [InlineData("unpair laptop")]
    [InlineData("serve --no-desktop")]
    [InlineData("peers rename laptop desk")]
    [InlineData("peers default laptop")]
    [InlineData("peers remove laptop")]
    [InlineData("peers describe laptop")]
    [InlineData("pair --timeout 5")]
    [InlineData("connect laptop")]
    [InlineData("pair-with 127.0.0.1 123456 --name desk")]
    public async Task A_corrupt_trust_store_is_reported_in_one_line_and_left_as_it_was(string command)
    {
        var home = _scope.Home("garbage");
        var file = Path.Combine(home, "trusted-peers.json");
        File.WriteAllText(file, Garbage);

        var result = await OpendeskCli.RunAsync(NoDisplay, [.. command.Split(' '), "--home", home]);

        AssertOneError(result, 1, $"ERROR: trusted-peers.json at {file} is corrupt: ");
        Assert.Contains("Fix or move it away; it was not modified.", result.Err, StringComparison.Ordinal);
        Assert.Equal(Garbage, File.ReadAllText(file));
    }

    [Fact]
    public async Task A_home_that_cannot_be_created_is_named_with_what_to_do()
    {
        // /proc refuses new entries even to root, who may write anywhere else.
        var result = await OpendeskCli.RunAsync("pair", "--home", "/proc/opendesk-home", "--timeout", "5");

        AssertOneError(result, 1, "ERROR: cannot use /proc/opendesk-home as the opendesk home: ");
        Assert.Contains("Pass a directory you can write with --home.", result.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_home_where_nothing_can_be_written_is_reported_at_once()
    {
        var started = DateTime.UtcNow;
        var result = await OpendeskCli.RunAsync("pair", "--home", "/proc", "--timeout", "5");

        AssertOneError(result, 1, "ERROR: cannot use the identity key /proc/identity.key: ");
        Assert.Contains("Check that you may write in the opendesk home, or pass another with --home.", result.Err, StringComparison.Ordinal);

        // Creating a file there fails outright; it is no lock held by someone else to wait out for ten seconds.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), $"took {DateTime.UtcNow - started}");
    }

    [Fact]
    public async Task A_damaged_identity_key_is_reported_and_kept()
    {
        var home = _scope.Home("key");
        var key = Path.Combine(home, "identity.key");
        File.WriteAllBytes(key, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        var result = await OpendeskCli.RunAsync("pair", "--home", home, "--timeout", "5");

        AssertOneError(result, 1, $"ERROR: cannot use the identity key {key}: identity key must be 32 bytes. ");
        Assert.Contains("move it away to start with a new key", result.Err, StringComparison.Ordinal);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], File.ReadAllBytes(key));
    }

    [Theory]
    [InlineData("serve --port 70000", "opendesk serve [options]", "--port must be a port number from 0 to 65535 (0 picks a free one), got 70000")]
    [InlineData("serve --port abc", "opendesk serve [options]", "Cannot parse argument 'abc' for option '--port' as a whole number.")]
    [InlineData("serve --virtual-display 10x", "opendesk serve [options]", "--virtual-display: invalid virtual display size '10x': expected WIDTHxHEIGHT between 320x200 and 8192x8192, e.g. 1920x1080")]
    [InlineData("serve --liveness -3", "opendesk serve [options]", "--liveness must be a number of seconds greater than 0 and at most 86400, got -3")]
    [InlineData("pair --code 12", "opendesk pair [options]", "--code must be exactly 6 digits, e.g. 004217; got '12'")]
    [InlineData("pair --code 12345a", "opendesk pair [options]", "--code must be exactly 6 digits, e.g. 004217; got '12345a'")]
    [InlineData("pair --timeout 0", "opendesk pair [options]", "--timeout must be a number of seconds greater than 0 and at most 86400, got 0")]
    [InlineData("pair-with 10.0.0.7 1234", "opendesk pair-with <host> <code> [options]", "the pairing code is the 6 digits the desk shows, e.g. 004217; got '1234'")]
    [InlineData("pair-with 10.0.0.7 123456 --port 0", "opendesk pair-with <host> <code> [options]", "--port must be a port number from 1 to 65535, got 0")]
    [InlineData("peers rename laptop", "opendesk peers rename <target> <new> [options]", "Required argument 'new' missing for command: 'rename'.")]
    [InlineData("frobnicate", "opendesk <command> [options]", "Unrecognized command or argument 'frobnicate'.")]
    [InlineData("audit --limit -1", "opendesk audit [options]", "--limit must be at least 0, got -1")]
    [InlineData("serve --approve maybe", "opendesk serve [options]", "--approve must be one of auto, console; got 'maybe'")]
    [InlineData("click desk 10", "opendesk click <peer> <x> <y> [options]", "Required argument 'y' missing for command: 'click'.")]
    [InlineData("click desk ten 10", "opendesk click <peer> <x> <y> [options]", "Cannot parse argument 'ten' for command 'click' as a number.")]
    [InlineData("click desk 10 10 --button side", "opendesk click <peer> <x> <y> [options]", "--button must be one of left, right, middle; got 'side'")]
    [InlineData("screenshot desk -o x.png --format gif", "opendesk screenshot <peer> [options]", "--format must be one of png, jpeg, webp; got 'gif'")]
    [InlineData("screenshot desk -o x.png --max-width 0", "opendesk screenshot <peer> [options]", "--max-width must be at least 16, got 0")]
    [InlineData("screenshot desk", "opendesk screenshot <peer> [options]", "Option '--output' is required.")]
    [InlineData("key desk ctrl+", "opendesk key <peer> <combo> [options]", "key combination 'ctrl+' has an empty part; write keys joined by +, e.g. ctrl+shift+t (the + key itself is plus)")]
    [InlineData("run desk", "opendesk run <peer> <command>... [options]", "Required argument 'command' missing for command: 'run'.")]
    public async Task A_wrong_command_line_shows_the_error_and_a_short_usage(string command, string usage, string error)
    {
        var home = _scope.Home("usage");
        var result = await OpendeskCli.RunAsync([.. command.Split(' '), "--home", home]);

        Assert.Equal(2, result.Exit);
        var lines = result.Err.TrimEnd().Split('\n');
        Assert.Equal($"ERROR: {error}", lines[0]);
        Assert.Equal($"Usage: {usage}", lines[1]);
        Assert.StartsWith("Run `opendesk", lines[^1], StringComparison.Ordinal);
        Assert.True(lines.Length <= 4, result.Err);
        AssertNoTrace(result);
    }

    [Fact]
    public async Task Opendesk_alone_lists_its_commands_under_its_own_name()
    {
        var result = await OpendeskCli.RunAsync();

        Assert.Equal(2, result.Exit);
        Assert.Contains("Usage: opendesk <command> [options]", result.Err, StringComparison.Ordinal);
        Assert.Contains("Commands: serve, pair, ", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("OpenDesk.Cli", result.Err + result.Out, StringComparison.Ordinal);
        AssertNoTrace(result);
    }

    [Fact]
    public async Task A_log_file_that_cannot_be_written_stops_serve_with_the_reason()
    {
        var home = TrustedDesk();
        var result = await OpendeskCli.RunAsync("serve", "--home", home, "--port", "0", "--no-mdns", "--no-desktop", "--log-file", "/proc/x/y");

        AssertOneError(result, 1, "ERROR: cannot write the log file /proc/x/y: ");
        Assert.Contains("Give --log-file a path in a directory you can write.", result.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home, "admin.sock")));
    }

    [Fact]
    public async Task A_screenshot_into_a_missing_directory_fails_before_connecting()
    {
        // No such peer exists either: the path is checked first, so nothing is dialled or captured in vain.
        var result = await OpendeskCli.RunAsync("connect", "desk", "--home", _scope.Home("c"), "--screenshot", "/nonexistent/x.png");

        AssertOneError(result, 1, "ERROR: cannot save --screenshot to /nonexistent/x.png: the directory /nonexistent does not exist. Create it first or choose another path.");

        var shot = await OpendeskCli.RunAsync("screenshot", "desk", "--home", _scope.Home("c"), "-o", "/nonexistent/x.png");

        AssertOneError(shot, 1, "ERROR: cannot save the screenshot to /nonexistent/x.png: the directory /nonexistent does not exist. Create it first or choose another path.");
    }

    [Fact]
    public async Task An_unknown_peer_is_named_with_how_to_pair_it_with_this_command()
    {
        var result = await OpendeskCli.RunAsync("click", "office", "10", "10", "--home", _scope.Home("c"));

        AssertOneError(
            result,
            1,
            "ERROR: unknown peer 'office': no paired machine has that name or fingerprint (`opendesk peers` lists them). " +
            "Pair it with `opendesk pair-with HOST CODE --name office`, or pass an explicit ws://HOST:PORT#KEY URL");
    }

    [Fact]
    public async Task Serve_without_a_desktop_refuses_to_start_and_suggests_a_virtual_display()
    {
        var home = TrustedDesk();
        var result = await OpendeskCli.RunAsync(NoDisplay, "serve", "--home", home, "--port", "0", "--no-mdns");

        AssertOneError(result, 1, "ERROR: no desktop to serve: DISPLAY is not set.  ");
        Assert.Contains("run `opendesk serve --virtual-display`", result.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", result.Out, StringComparison.Ordinal);

        var unreachable = await OpendeskCli.RunAsync(new Dictionary<string, string> { ["DISPLAY"] = ":9999" }, "serve", "--home", home, "--port", "0", "--no-mdns");
        AssertOneError(unreachable, 1, "ERROR: no desktop to serve: the X display :9999 cannot be opened.  ");
    }

    [Fact]
    public async Task Serve_with_only_desks_it_controls_says_it_has_no_controllers_and_an_empty_store_says_no_peers()
    {
        var home = _scope.Home("remotes");
        new TrustStore(new OpenDeskHome(home)).Add(Key(7), "office", PeerRole.Remote);

        var result = await OpendeskCli.RunAsync("serve", "--home", home, "--no-desktop");

        AssertOneError(result, 2, "ERROR: no trusted controllers yet: the 1 trusted peer(s) here are desks this machine controls.  Run `opendesk pair` to pair a controller first.");
        var empty = await OpendeskCli.RunAsync("serve", "--home", _scope.Home("empty"), "--no-desktop");
        AssertOneError(empty, 2, "ERROR: no trusted peers yet.  Run `opendesk pair` first.");
    }

    [Fact]
    public async Task Hints_name_this_command_s_own_options_and_nothing_from_other_implementations()
    {
        // Console approval without a terminal (the test's stdin is a pipe) points at --approve auto.
        var serve = _scope.Start("serve", "--home", TrustedDesk(), "--host", "127.0.0.1", "--port", "0", "--no-mdns", "--no-desktop", "--approve", "console");
        await serve.WaitForOutputAsync("listening on");
        Assert.Contains("console approval: no TTY available — every action will be denied (observations still pass). Approve automatically (serve --approve auto)", serve.Output, StringComparison.Ordinal);

        // A paired desk without an address, and no mDNS answer for it.
        var controller = _scope.Home("lost");
        new TrustStore(new OpenDeskHome(controller)).Add(Key(3), "desk", PeerRole.Remote);
        var lost = await OpendeskCli.RunAsync("connect", "desk", "--home", controller);
        AssertOneError(lost, 1, "ERROR: peer 'desk' is paired but has no cached address and could not be located on the LAN within ");
        Assert.Contains("run `opendesk pair-with <host-ip> <code>` to give it an address, or make sure mDNS (UDP port 5353) reaches this machine.", lost.Err, StringComparison.Ordinal);

        foreach (var text in new[] { serve.Output, lost.Err })
        {
            Assert.DoesNotContain("wsl-setup", text, StringComparison.Ordinal);
            Assert.DoesNotContain("AllowAllPolicy", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Json_errors_are_one_json_document_on_stdout_too()
    {
        var home = _scope.Home("json");
        File.WriteAllText(Path.Combine(home, "trusted-peers.json"), Garbage);

        var result = await OpendeskCli.RunAsync("peers", "--json", "--home", home);

        Assert.Equal(1, result.Exit);
        using var document = System.Text.Json.JsonDocument.Parse(result.Out);
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("failed", error.GetProperty("code").GetString());
        Assert.StartsWith("trusted-peers.json at ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, error.GetProperty("exit_code").GetInt32());
    }

    public void Dispose() => _scope.Dispose();

    /// <summary>A home that trusts one controller, so serve gets past its first check.</summary>
    private string TrustedDesk()
    {
        var home = _scope.Home("desk");
        new TrustStore(new OpenDeskHome(home)).Add(Key(1), "laptop", PeerRole.Controller);
        return home;
    }

    private static byte[] Key(int seed) => [.. Enumerable.Range(seed, 32).Select(i => (byte)i)];

    private static void AssertOneError((int Exit, string Out, string Err) result, int exit, string start)
    {
        Assert.True(exit == result.Exit, $"exit {result.Exit}, expected {exit}; stderr:\n{result.Err}");
        var line = Assert.Single(result.Err.TrimEnd().Split('\n'));
        Assert.StartsWith(start, line, StringComparison.Ordinal);
        AssertNoTrace(result);
    }

    private static void AssertNoTrace((int Exit, string Out, string Err) result)
    {
        foreach (var text in new[] { result.Out, result.Err })
        {
            Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", text, StringComparison.Ordinal);
        }
    }
}
