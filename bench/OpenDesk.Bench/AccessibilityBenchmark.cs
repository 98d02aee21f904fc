using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Linux;
using OpenDesk.Linux.Accessibility;
using OpenDesk.Server;
using OpenDesk.Trust;

namespace OpenDesk.Bench;

/// <summary>
/// The accessibility tree of gtk3-widget-factory on a private accessible desktop (Xvfb, a session bus, the
/// AT-SPI launcher), read by this backend and by pyatspi (GNOME's libatspi client) in the same run, runs
/// interleaved so both see the same machine load: every object with role, name, states, extents and actions.
/// Ours is measured in a long-lived session (as serve runs) and from a brand-new connection. Also ui.tree and
/// ui.action through the server and RemoteComputer. Medians.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AccessibilityBenchmark
{
    private const string App = "gtk3-widget-factory";
    private const string Python = "/usr/bin/python3";

    /// <summary>Times the walk inside the interpreter, so pyatspi is charged neither its start nor its imports.</summary>
    private const string DumpScript = """
        import json, sys, time
        import pyatspi

        def describe(node):
            node.getRoleName(); node.name; node.getState().getStates()
            try:
                node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
            except NotImplementedError:
                pass
            try:
                action = node.queryAction()
                [action.getName(i) for i in range(action.nActions)]
            except NotImplementedError:
                pass

        start = time.perf_counter()
        desktop = pyatspi.Registry.getDesktop(0)
        app = next(a for a in desktop if a is not None and a.name == sys.argv[1])
        count = 0
        stack = [app]
        while stack:
            node = stack.pop()
            describe(node)
            count += 1
            for i in range(node.childCount - 1, -1, -1):
                child = node.getChildAtIndex(i)
                if child is not None:
                    stack.append(child)
        print(json.dumps({"nodes": count, "seconds": time.perf_counter() - start}))
        """;

    private static readonly string[] LauncherPaths = ["/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher"];

    public static async Task RunAsync(bool quick)
    {
        if (!File.Exists(Python) || !LauncherPaths.Any(File.Exists) || VirtualDisplay.FindOnPath("gtk3-widget-factory") is null)
        {
            Console.WriteLine("a11y benchmark skipped: it needs at-spi2-core, gtk-3-examples and python3-pyatspi (./scripts/bench.sh installs them)");
            return;
        }

        var root = Path.Combine(Path.GetTempPath(), $"od-bench-a11y-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(root);
        var script = Path.Combine(root, "dump.py");
        await File.WriteAllTextAsync(script, DumpScript);
        var processes = new List<Process>();
        await using var display = await VirtualDisplay.StartAsync("1920x1080", windowManager: true);
        try
        {
            var environment = new Dictionary<string, string> { ["DISPLAY"] = display.Name };
            var daemon = Start("dbus-daemon", environment, "--session", "--nofork", "--print-address=1");
            processes.Add(daemon);
            environment["DBUS_SESSION_BUS_ADDRESS"] = (await daemon.StandardOutput.ReadLineAsync())?.Trim()
                ?? throw new InvalidOperationException("dbus-daemon printed no address");
            processes.Add(Start(LauncherPaths.First(File.Exists), environment, "--launch-immediately"));
            await WaitAsync(async () => (await RunToEndAsync("xprop", environment, "-root", "AT_SPI_BUS")).Contains("unix:", StringComparison.Ordinal), "the AT-SPI bus launcher");
            processes.Add(Start("gtk3-widget-factory", environment));
            await WaitAsync(async () =>
            {
                await RunToEndAsync(Python, environment, "-c",
                    $"import pyatspi, sys; sys.exit(0 if any(a is not None and a.name == '{App}' and a.childCount > 0 and a[0].getState().contains(pyatspi.STATE_SHOWING) for a in pyatspi.Registry.getDesktop(0)) else 1)");
                return true;
            }, App);

            var runs = quick ? 5 : 15;
            using var accessibility = await AtSpiAccessibility.TryOpenAsync(display.Name, null, NullLogger.Instance)
                ?? throw new InvalidOperationException("the accessibility bus did not answer");
            var allNodes = new TreeOptions(TreeOptions.DepthCeiling, 100_000, IncludeHidden: true);
            var ours = new List<double>();
            var cold = new List<double>();
            var pyatspiWalk = new List<double>();
            var pyatspiProcess = new List<double>();
            int ourNodes = 0, theirNodes = 0;
            for (var i = 0; i <= runs; i++)
            {
                var start = Stopwatch.GetTimestamp();
                var tree = await accessibility.ReadApplicationAsync(App, allNodes, CancellationToken.None);
                _ = UIElementMapper.ToElement(tree.Root);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                ourNodes = tree.NodeCount;

                // A session of its own: connection, application names, direct socket and action names all new.
                start = Stopwatch.GetTimestamp();
                using (var fresh = await AtSpiAccessibility.TryOpenAsync(display.Name, null, NullLogger.Instance))
                {
                    _ = UIElementMapper.ToElement((await fresh!.ReadApplicationAsync(App, allNodes, CancellationToken.None)).Root);
                }

                var coldElapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

                start = Stopwatch.GetTimestamp();
                var output = await RunToEndAsync(Python, environment, script, App);
                var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                using var result = JsonDocument.Parse(output);
                theirNodes = result.RootElement.GetProperty("nodes").GetInt32();

                // The first round of each warms up: JIT here, the application's accessibles and caches there.
                if (i > 0)
                {
                    ours.Add(elapsed);
                    cold.Add(coldElapsed);
                    pyatspiWalk.Add(result.RootElement.GetProperty("seconds").GetDouble() * 1000);
                    pyatspiProcess.Add(wall);
                }
            }

            var ourMedian = Stats.Percentile(ours, 50);
            var theirMedian = Stats.Percentile(pyatspiWalk, 50);
            Console.WriteLine($"AT-SPI tree of {App} on a 1920x1080 virtual display, {runs} interleaved runs, medians");
            Stats.Print($"full tree, this backend ({ourNodes} objects)", Stats.Ms(ourMedian));
            Stats.Print("  the same from a new connection, nothing cached", Stats.Ms(Stats.Percentile(cold, 50)));
            Stats.Print($"full tree, pyatspi walk ({theirNodes} objects)", Stats.Ms(theirMedian));
            Stats.Print("  pyatspi process incl. start and imports", Stats.Ms(Stats.Percentile(pyatspiProcess, 50)));
            Stats.Print("  ours vs pyatspi walk (target <= 0.2x)", $"{(ourMedian / theirMedian).ToString("0.000", CultureInfo.InvariantCulture)}x");
            Stats.Print("  new connection vs pyatspi walk", $"{(Stats.Percentile(cold, 50) / theirMedian).ToString("0.000", CultureInfo.InvariantCulture)}x");

            await ThroughServerAsync(display.Name, root, runs);
        }
        finally
        {
            for (var i = processes.Count - 1; i >= 0; i--)
            {
                Stop(processes[i]);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>ui.tree (shown objects) and ui.action (a check button clicked by element id) as a controller sees them.</summary>
    private static async Task ThroughServerAsync(string displayName, string root, int runs)
    {
        var serverHome = new OpenDeskHome(Path.Combine(root, "s"));
        var clientHome = new OpenDeskHome(Path.Combine(root, "c"));
        new TrustStore(serverHome).Add(Identity.LoadOrCreate(clientHome).PublicKey, "bench", PeerRole.Controller);
        await using var backend = await LinuxBackend.OpenAsync(new LinuxBackendOptions { DisplayName = displayName }, NullLogger.Instance);
        await using var server = await OpenDeskServer.StartAsync(new ServerOptions { Home = serverHome, Computer = backend.Computer, Host = "127.0.0.1", Port = 0, Audit = false });
        await using var remote = await RemoteComputer.ConnectAsync(
            $"ws://127.0.0.1:{server.Port}#{server.Identity.PublicKeyHex}", new RemoteComputerOptions { Home = clientHome.Path, AutoReconnect = false });

        UIElement? tree = null;
        var treeTimes = await TimeAsync(runs, async () => tree = await remote.UITreeAsync(app: App, maxDepth: TreeOptions.DepthCeiling));
        var box = Flatten(tree!).First(e => e is { Role: "check_box", Enabled: true });
        var byId = new UIElement(box.Role) { Metadata = new Dictionary<string, object?> { ["id"] = box.Metadata["id"] } };
        var actionTimes = await TimeAsync(runs % 2 == 0 ? runs : runs + 1, () => remote.UIActionAsync(byId, "click"));
        Stats.Print($"ui.tree via RemoteComputer ({Flatten(tree!).Count()} shown objects)", Stats.Ms(treeTimes));
        Stats.Print("ui.action click by element id via RemoteComputer", Stats.Ms(actionTimes));
    }

    private static IEnumerable<UIElement> Flatten(UIElement element) => element.Children.SelectMany(Flatten).Prepend(element);

    private static async Task<double> TimeAsync(int runs, Func<Task> action)
    {
        await action();
        var samples = new List<double>(runs);
        for (var i = 0; i < runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await action();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return Stats.Percentile(samples, 50);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (InvalidOperationException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Not there yet.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(200);
        }
    }

    private static async Task<string> RunToEndAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(program, environment, args);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
    }

    private static Process Start(string program, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        foreach (var variable in new[] { "WAYLAND_DISPLAY", "AT_SPI_BUS_ADDRESS", "NO_AT_BRIDGE", "GTK_A11Y", "GTK_MODULES" })
        {
            info.Environment.Remove(variable);
        }

        info.Environment["GDK_BACKEND"] = "x11";
        info.Environment["GSETTINGS_BACKEND"] = "memory";
        info.Environment["GIO_USE_VFS"] = "local";
        info.Environment["LC_ALL"] = "C.UTF-8";
        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(3000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
