using System.Globalization;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// Temporary homes and real <c>opendesk</c> processes for one end-to-end test; disposing it stops every process
/// and removes every home.
/// </summary>
internal sealed class EndToEndScope : IDisposable
{
    public const string PairingCode = "135790";

    private readonly List<string> _homes = [];
    private readonly List<RunningCommand> _processes = [];

    public string Home(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), $"od-e2e-{label}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        _homes.Add(path);
        return path;
    }

    public RunningCommand Start(params string[] args) => Track(OpendeskCli.StartLongRunning(args));

    public RunningCommand Start(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Track(OpendeskCli.StartLongRunning(environment, args));

    /// <summary>
    /// Starts <c>serve</c> for <paramref name="home"/> on a loopback port and waits until it listens; without a desktop
    /// (<c>--no-desktop</c>) unless <paramref name="extra"/> asks for a virtual display.
    /// </summary>
    /// <param name="fileLimit">The open-file limit to run it under (<c>ulimit -n</c>); null for the inherited one.</param>
    public async Task<RunningCommand> ServeAsync(string home, int port, int? fileLimit = null, params string[] extra)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        string[] desktop = extra.Contains("--virtual-display") ? [] : ["--no-desktop"];
        string[] args = ["serve", "--home", home, "--host", "127.0.0.1", "--port", p, "--no-mdns", .. desktop, .. extra];
        var serve = Track(fileLimit is { } limit ? OpendeskCli.StartLongRunning(limit, args) : OpendeskCli.StartLongRunning(args));
        await serve.WaitForOutputAsync($"opendesk serve listening on 127.0.0.1:{p}");
        return serve;
    }

    /// <summary>The X display <c>serve --virtual-display</c> said it started, e.g. <c>:42</c>, for observers to open.</summary>
    public static string VirtualDisplayOf(RunningCommand serve)
    {
        var started = System.Text.RegularExpressions.Regex.Match(serve.Output, @"started a virtual display (:\d+) ");
        Assert.True(started.Success, $"serve did not say which display it started:\n{serve.Output}");
        return started.Groups[1].Value;
    }

    /// <summary>Runs an observer such as xdotool or xclip on <paramref name="display"/> and returns what it printed.</summary>
    public static string Observe(string display, string program, params string[] args)
    {
        var info = new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DISPLAY"] = display;
        using var observer = System.Diagnostics.Process.Start(info)!;
        var error = observer.StandardError.ReadToEndAsync();
        var output = observer.StandardOutput.ReadToEnd();
        Assert.True(observer.WaitForExit(10_000), $"{program} did not finish");
        Assert.True(observer.ExitCode == 0, $"{program} failed: {error.Result}");
        return output;
    }

    /// <summary>Runs <c>pair</c> on the server home and <c>pair-with</c> from the controller; returns the server-side name.</summary>
    public async Task<string> PairAsync(string server, string controller, int port, string name)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        var pair = Start("pair", "--home", server, "--host", "127.0.0.1", "--port", p, "--code", PairingCode, "--timeout", "60");
        await pair.WaitForOutputAsync($"pairing code: {PairingCode}");
        var pairWith = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", PairingCode, "--port", p, "--home", controller, "--name", name);
        Assert.True(pairWith.Exit == 0, pairWith.Err);
        Assert.StartsWith($"✓ Paired with {name} (", pairWith.Out, StringComparison.Ordinal);
        Assert.Contains($"  Now reachable as: opendesk connect {name}", pairWith.Out, StringComparison.Ordinal);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        Assert.Equal(0, await pair.WaitForExitAsync());
        var line = pair.Output.Split('\n').Single(l => l.StartsWith("✓ Paired with ", StringComparison.Ordinal));
        return line["✓ Paired with ".Length..line.IndexOf(' ', "✓ Paired with ".Length)];
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        foreach (var home in _homes)
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private RunningCommand Track(RunningCommand process)
    {
        _processes.Add(process);
        return process;
    }
}
