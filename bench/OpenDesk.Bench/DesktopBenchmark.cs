using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Linux;
using OpenDesk.Server;
using OpenDesk.Trust;

namespace OpenDesk.Bench;

/// <summary>
/// The Linux backend through RemoteComputer on loopback against local tools on the same 1920x1080 virtual
/// display, as ratios from one run: screenshots vs scrot and vncsnapshot/x11vnc, pointer vs xdotool, and
/// display.subscribe frame rate and CPU while the screen changes.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class DesktopBenchmark
{
    public static async Task RunAsync(bool quick)
    {
        var root = Path.Combine(Path.GetTempPath(), $"od-bench-desk-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(root);
        var helpers = new List<Process>();
        await using var display = await VirtualDisplay.StartAsync("1920x1080", windowManager: true);
        try
        {
            for (var i = 0; i < 3; i++)
            {
                helpers.Add(HelperProcess.Start("xterm", "-geometry", $"100x30+{100 + i * 300}+{80 + i * 150}", "-e", "sh", "-c", "ls -la /usr/bin | head -200; sleep 600"));
            }

            await Task.Delay(1500);
            var serverHome = new OpenDeskHome(Path.Combine(root, "s"));
            var clientHome = new OpenDeskHome(Path.Combine(root, "c"));
            new TrustStore(serverHome).Add(Identity.LoadOrCreate(clientHome).PublicKey, "bench", PeerRole.Controller);
            await using var backend = await LinuxBackend.OpenAsync(null, NullLogger.Instance);
            await using var server = await OpenDeskServer.StartAsync(new ServerOptions { Home = serverHome, Computer = backend.Computer, Host = "127.0.0.1", Port = 0, Audit = false });
            await using var remote = await RemoteComputer.ConnectAsync(
                $"ws://127.0.0.1:{server.Port}#{server.Identity.PublicKeyHex}", new RemoteComputerOptions { Home = clientHome.Path, AutoReconnect = false });

            Console.WriteLine($"Linux desktop, {display.Width}x{display.Height} virtual display {display.Name}, 3 xterm windows");
            var png = await TimeAsync(quick ? 10 : 30, () => remote.CaptureAsync(downscale: false));
            var jpeg = await TimeAsync(quick ? 20 : 60, () => remote.CaptureAsync(downscale: false, format: PixmapFormat.Jpeg));
            var scrotPath = Path.Combine(root, "scrot.png");
            var scrot = await TimeAsync(quick ? 5 : 15, () => RunAsync("scrot", "-o", scrotPath));
            var vnc = await VncSnapshotAsync(display.Name, root, quick ? 3 : 8);
            Stats.Print("PNG screenshot round trip (RemoteComputer)", Stats.Ms(png));
            Stats.Print("JPEG screenshot round trip (RemoteComputer)", Stats.Ms(jpeg));
            Stats.Print("scrot writing a PNG locally", Stats.Ms(scrot));
            Stats.Print("vncsnapshot against x11vnc", vnc is { } v ? Stats.Ms(v) : "not available");
            Stats.Print("  PNG vs scrot (target <= 0.6x)", Ratio(png, scrot));
            Stats.Print("  JPEG vs vncsnapshot (target <= 0.05x)", vnc is { } v2 ? Ratio(jpeg, v2) : "n/a");

            var point = new Point(500, 400);
            var move = await TimeAsync(quick ? 300 : 2000, () => remote.PointerAsync(new PointerEvent(PointerAction.Move, point)));
            var xdotoolMove = await TimeAsync(quick ? 20 : 60, () => RunAsync("xdotool", "mousemove", "510", "410"));
            var click = await TimeAsync(quick ? 50 : 300, () => remote.ClickAsync(new Point(5, 5)));
            var xdotoolClick = await TimeAsync(quick ? 10 : 30, () => RunAsync("xdotool", "click", "1"));
            Stats.Print("pointer move round trip", Stats.Ms(move));
            Stats.Print("xdotool mousemove", Stats.Ms(xdotoolMove));
            Stats.Print("  move vs xdotool (target <= 0.25x)", Ratio(move, xdotoolMove));
            Stats.Print("click round trip (move, down, up)", Stats.Ms(click));
            Stats.Print("xdotool click 1", Stats.Ms(xdotoolClick));
            Stats.Print("  click speed-up over xdotool (target >= 20x)", $"{(xdotoolClick / click).ToString("0.0", CultureInfo.InvariantCulture)}x");

            await StreamAsync(remote, quick ? 3 : 8);
        }
        finally
        {
            foreach (var helper in helpers)
            {
                HelperProcess.Stop(helper);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Frames per second received while the whole screen changes, and this process's CPU meanwhile.</summary>
    private static async Task StreamAsync(RemoteComputer remote, int seconds)
    {
        using var animate = new CancellationTokenSource();
        var animation = Task.Run(async () =>
        {
            var colours = new[] { "#203040", "#405060", "#806040", "#204080" };
            for (var i = 0; !animate.IsCancellationRequested; i++)
            {
                await RunAsync("xsetroot", "-solid", colours[i % colours.Length]);
                await Task.Delay(10);
            }
        });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var frames = 0;
        long bytes = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        try
        {
            await foreach (var frame in remote.SubscribeDisplayAsync(fps: 30, format: PixmapFormat.Jpeg, cancellationToken: stop.Token))
            {
                frames++;
                bytes += frame.Pixmap.Data.Length;
            }
        }
        catch (OperationCanceledException)
        {
        }

        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await animate.CancelAsync();
        await animation;
        Stats.Print("display.subscribe at 30 fps, changing screen", $"{(frames / clock.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)} fps, {bytes / Math.Max(frames, 1) / 1024} KiB/frame (JPEG)");
        Stats.Print("  CPU of serve + client in this process", $"{(cpu.TotalSeconds / clock.Elapsed.TotalSeconds * 100).ToString("0", CultureInfo.InvariantCulture)}% of one core (includes xsetroot driving)");
    }

    private static async Task<double?> VncSnapshotAsync(string displayName, string root, int runs)
    {
        if (VirtualDisplay.FindOnPath("x11vnc") is null || VirtualDisplay.FindOnPath("vncsnapshot") is null)
        {
            return null;
        }

        var port = FreePort();
        var vnc = HelperProcess.Start("x11vnc", "-display", displayName, "-rfbport", port.ToString(CultureInfo.InvariantCulture), "-localhost", "-nopw", "-forever", "-shared", "-quiet");
        try
        {
            await Task.Delay(1500);
            var output = Path.Combine(root, "vnc.jpg");
            return await TimeAsync(runs, () => RunAsync("vncsnapshot", "-quiet", $"127.0.0.1::{port.ToString(CultureInfo.InvariantCulture)}", output));
        }
        finally
        {
            HelperProcess.Stop(vnc);
        }
    }

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

    private static string Ratio(double ours, double theirs) => $"{(ours / theirs).ToString("0.000", CultureInfo.InvariantCulture)}x";

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = HelperProcess.Start(program, args);
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
