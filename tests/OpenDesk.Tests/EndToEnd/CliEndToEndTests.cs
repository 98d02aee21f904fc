using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>The real <c>opendesk</c> processes in temporary homes on loopback (issue: serve with one controller at a time).</summary>
[Collection(nameof(EndToEndCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliEndToEndTests : IDisposable
{
    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task Pair_serve_busy_bump_disconnect_unpair_and_liveness_work_through_the_cli()
    {
        var server = Home("s");
        var a = Home("a");
        var b = Home("b");
        var port = LocalPorts.Free();
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var aName = await PairAsync(server, a, port, "desk");
        var bName = await PairAsync(server, b, port, "desk");
        Assert.Equal(0, (await OpendeskCli.RunAsync("peers", "rename", aName, "laptop", "--home", server)).Exit);

        var serve = Start("serve", "--home", server, "--host", "127.0.0.1", "--port", p, "--liveness", "3", "--no-mdns", "--no-desktop");
        await serve.WaitForOutputAsync($"opendesk serve listening on 127.0.0.1:{p}");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(server, "admin.sock")));

        var first = Start("connect", "desk", "--home", a, "--hold");
        await first.WaitForOutputAsync("Holding the session");
        var sessions = await OpendeskCli.RunAsync("sessions", "--home", server);
        Assert.Equal(0, sessions.Exit);
        var rows = sessions.Out.Trim().Split('\n');
        Assert.Equal(2, rows.Length);
        Assert.StartsWith("PEER", rows[0], StringComparison.Ordinal);
        Assert.StartsWith("laptop", rows[1], StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:", rows[1], StringComparison.Ordinal);

        var busy = await OpendeskCli.RunAsync("connect", "desk", "--home", b);
        Assert.Equal(3, busy.Exit);
        Assert.Contains("ERROR: busy: server is busy: laptop is the active controller. Disconnect them to take over.", busy.Err, StringComparison.Ordinal);

        // The same controller reconnecting bumps its old session at once.
        var second = Start("connect", "desk", "--home", a, "--hold");
        await second.WaitForOutputAsync("Holding the session");
        await first.WaitForOutputAsync("Evicted by the server: admin_disconnect");
        Assert.Equal(0, await first.WaitForExitAsync());
        Assert.Equal(2, (await OpendeskCli.RunAsync("sessions", "--home", server)).Out.Trim().Split('\n').Length);

        var disconnect = await OpendeskCli.RunAsync("disconnect", "--home", server);
        Assert.Equal("Disconnected the active controller.", disconnect.Out.Trim());
        await second.WaitForOutputAsync("Evicted by the server: admin_disconnect");
        Assert.Equal("No active session.", (await OpendeskCli.RunAsync("sessions", "--home", server)).Out.Trim());
        Assert.Equal("No active session to disconnect.", (await OpendeskCli.RunAsync("disconnect", "--home", server)).Out.Trim());

        var other = Start("connect", "desk", "--home", b, "--hold");
        await other.WaitForOutputAsync("Holding the session");
        var unpair = await OpendeskCli.RunAsync("unpair", bName, "--home", server);
        Assert.Equal($"Unpaired {bName} and disconnected the active session.", unpair.Out.Trim());
        await other.WaitForOutputAsync("Evicted by the server");
        var refused = await OpendeskCli.RunAsync("connect", "desk", "--home", b);
        Assert.Equal(1, refused.Exit);
        Assert.Contains("unexpected_peer", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(new TrustStore(new OpenDeskHome(server)).List(), peer => peer.Name == bName);

        // A frozen controller keeps its TCP connection but stops answering pings: its slot frees within the liveness window.
        var frozen = Start("connect", "desk", "--home", a, "--hold");
        await frozen.WaitForOutputAsync("Holding the session");
        frozen.Signal("STOP");
        var stoppedAt = DateTime.UtcNow;
        while ((await OpendeskCli.RunAsync("sessions", "--home", server)).Out.Trim() != "No active session.")
        {
            Assert.True(DateTime.UtcNow - stoppedAt < TimeSpan.FromSeconds(20), "the frozen controller kept the slot");
            await Task.Delay(250);
        }

        Assert.True(DateTime.UtcNow - stoppedAt < TimeSpan.FromSeconds(10));
        frozen.Signal("CONT");

        serve.Signal("INT");
        Assert.Equal(0, await serve.WaitForExitAsync());
        Assert.Contains("Shutting down.", serve.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(server, "admin.sock")));
        var notRunning = await OpendeskCli.RunAsync("sessions", "--home", server);
        Assert.Equal(1, notRunning.Exit);
        Assert.Equal($"ERROR: No opendesk admin socket at {Path.Combine(server, "admin.sock")}.  Is `opendesk serve` running?", notRunning.Err.Trim());
    }

    [Fact]
    public async Task Pair_while_serve_runs_goes_through_the_daemon_and_wrong_codes_are_refused()
    {
        var server = Home("s");
        var a = Home("a");
        var b = Home("b");
        var port = LocalPorts.Free();
        var p = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var aName = await PairAsync(server, a, port, "desk");

        var serve = Start("serve", "--home", server, "--host", "127.0.0.1", "--port", p, "--no-mdns", "--no-desktop");
        await serve.WaitForOutputAsync("listening");
        var holding = Start("connect", "desk", "--home", a, "--hold");
        await holding.WaitForOutputAsync("Holding the session");

        // No --port: the box must show the port the daemon listens on, not pair's default.
        var pair = Start("pair", "--home", server, "--code", "424242", "--timeout", "60");
        await pair.WaitForOutputAsync("pairing code: 424242");
        Assert.Contains($"│ port:         {p} ", pair.Output, StringComparison.Ordinal);
        var wrong = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "000000", "--port", p, "--home", b);
        Assert.Equal(1, wrong.Exit);
        Assert.Contains("ERROR: wrong_code: server rejected the pairing code — wrong code?", wrong.Err, StringComparison.Ordinal);

        // The paired newcomer is stored, but the slot is taken: pairing goes through the single-controller check, and
        // both sides say the pairing succeeded and who holds the desk.
        var paired = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "424242", "--port", p, "--home", b, "--name", "desk");
        Assert.True(paired.Exit == 0, paired.Err);
        Assert.StartsWith("✓ Paired with desk (", paired.Out, StringComparison.Ordinal);
        Assert.Contains($"  The desk is busy: {aName} is the active controller. Connect later with `opendesk connect desk`.", paired.Out, StringComparison.Ordinal);
        Assert.Equal("", paired.Err);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        await pair.WaitForOutputAsync($"  The desk is busy: {aName} is the active controller, so peer-");
        Assert.Equal(0, await pair.WaitForExitAsync());
        Assert.NotNull(new TrustStore(new OpenDeskHome(b)).FindByName("desk"));
        Assert.False(holding.HasExited);
        Assert.Equal(2, new TrustStore(new OpenDeskHome(server)).List().Count);
    }

    [Fact]
    public async Task Help_and_usage_errors_behave_as_specified()
    {
        var top = await OpendeskCli.RunAsync("--help");
        Assert.Equal(0, top.Exit);
        foreach (var command in new[] { "sessions", "disconnect", "unpair", "serve", "pair-with", "peers" })
        {
            Assert.Contains(command, top.Out, StringComparison.Ordinal);
        }

        var disconnectHelp = await OpendeskCli.RunAsync("disconnect", "--help");
        Assert.Equal(0, disconnectHelp.Exit);
        Assert.Contains("disconnect", disconnectHelp.Out.ToLowerInvariant(), StringComparison.Ordinal);
        var unpairHelp = await OpendeskCli.RunAsync("unpair", "--help");
        Assert.Equal(0, unpairHelp.Exit);
        Assert.Contains("name", unpairHelp.Out.ToLowerInvariant(), StringComparison.Ordinal);
        Assert.Equal(0, (await OpendeskCli.RunAsync("sessions", "--help")).Exit);
        Assert.NotEqual(0, (await OpendeskCli.RunAsync("sessions", "kill", "x")).Exit);

        var empty = Home("e");
        var serve = await OpendeskCli.RunAsync("serve", "--home", empty);
        Assert.Equal(2, serve.Exit);
        Assert.Equal("ERROR: no trusted peers yet.  Run `opendesk pair` first.", serve.Err.Trim());
        var unpair = await OpendeskCli.RunAsync("unpair", "ghost", "--home", empty);
        Assert.Equal(1, unpair.Exit);
        Assert.Equal("No peer matched 'ghost'.", unpair.Err.Trim());
        var connect = await OpendeskCli.RunAsync("connect", "--home", empty);
        Assert.Equal("ERROR: no peer specified and no default-peer set (run `opendesk peers default <name>`)", connect.Err.Trim());
        using var refusing = LocalPorts.Refusing();
        var unreachable = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "123456", "--port", LocalPorts.PortOf(refusing).ToString(System.Globalization.CultureInfo.InvariantCulture), "--home", empty);
        Assert.Equal(1, unreachable.Exit);
        Assert.StartsWith("ERROR: cannot connect to 127.0.0.1:", unreachable.Err.Trim(), StringComparison.Ordinal);
    }

    public void Dispose() => _scope.Dispose();

    private Task<string> PairAsync(string server, string controller, int port, string name) => _scope.PairAsync(server, controller, port, name);

    private RunningCommand Start(params string[] args) => _scope.Start(args);

    private string Home(string label) => _scope.Home(label);
}

/// <summary>End-to-end tests run one at a time: they start real daemons and the launcher may build first.</summary>
[CollectionDefinition(nameof(EndToEndCollection), DisableParallelization = true)]
public sealed class EndToEndCollection;
