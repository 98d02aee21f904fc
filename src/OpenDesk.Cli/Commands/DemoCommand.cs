using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Linux;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk demo</c>: the product end to end on this machine — a desktop (virtual when there is none) with a
/// real app, a serve daemon and two controllers in temporary homes: pairing, a screenshot, typing into the
/// app and reading it back, moving its window, BUSY, a bump and a disconnect.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "keep the temporary homes and screenshot for inspection" };
        var command = new Command("demo", "Show opendesk working end to end on a virtual display (no setup needed)");
        command.Options.Add(keep);
        command.SetAction(async (parse, ct) =>
        {
            if (!OperatingSystem.IsLinux())
            {
                return Cli.Error("the demo needs Linux with X11 (Xvfb and openbox are installed by ./opendesk demo)");
            }

            try
            {
                return await RunAsync(parse.GetValue(keep), ct);
            }
            catch (OpenDeskException ex)
            {
                return Cli.Error(ex.Message);
            }
        });
        return command;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static async Task<int> RunAsync(bool keep, CancellationToken ct)
    {
        var root = Path.Combine(Path.GetTempPath(), $"opendesk-demo-{Guid.NewGuid().ToString("N")[..6]}");
        var desk = Path.Combine(root, "desk");
        var laptop = Path.Combine(root, "laptop");
        var tablet = Path.Combine(root, "tablet");
        var typed = Path.Combine(root, "typed.txt");
        var screenshot = Path.Combine(root, "screenshot.png");
        var port = FreePort();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var children = new List<Process>();
        VirtualDisplay? display = null;
        Directory.CreateDirectory(root);
        try
        {
            Step(1, "a desktop");
            if (VirtualDisplay.HasUsableDisplay())
            {
                Say($"using the existing display {Environment.GetEnvironmentVariable("DISPLAY")}");
            }
            else
            {
                display = await VirtualDisplay.StartAsync("1280x800", windowManager: true, ct);
                Say($"started a virtual display {display.Name} (1280x800) with openbox{(display.HasAccessibilityBus ? " and an accessibility bus" : "")}");
            }

            var app = StartProgram("xterm", "-T", "opendesk demo", "-geometry", "70x12+40+40", "-e", "sh", "-c", $"cat > '{typed}'");
            children.Add(app);
            Say("started xterm running `cat > typed.txt` as the app to drive");

            Step(2, "pair two controllers with the desk (6-digit codes)");
            foreach (var (home, name) in new[] { (laptop, "laptop"), (tablet, "tablet") })
            {
                var code = RandomNumberCode();
                var pair = StartSelf(children, "pair", "--home", desk, "--host", "127.0.0.1", "--port", portText, "--code", code, "--timeout", "60");
                await WaitForLineAsync(pair, "pairing code:", ct);
                await using (var paired = await RemoteComputer.PairWithAsync("127.0.0.1", code, port, "desk", new RemoteComputerOptions { Home = home }, cancellationToken: ct))
                {
                    Say($"{name} paired with the desk ({Trust.Fingerprint.Colon(paired.ServerPublicKey)})");
                }

                await pair.WaitForExitAsync(ct);
                var stored = new Trust.TrustStore(new Trust.OpenDeskHome(desk)).FindByKey(Trust.Identity.LoadOrCreate(new Trust.OpenDeskHome(home)).PublicKey)!;
                new Trust.TrustStore(new Trust.OpenDeskHome(desk)).Rename(stored.Name, name);
            }

            Step(3, "start `opendesk serve` on the desk");
            var serve = StartSelf(children, "serve", "--home", desk, "--host", "127.0.0.1", "--port", portText, "--no-mdns");
            Say((await WaitForLineAsync(serve, "listening on", ct)).Trim());

            Step(4, "the laptop connects");
            var options = new RemoteComputerOptions { Home = laptop, AutoReconnect = false };
            var first = await RemoteComputer.ConnectAsync("desk", options, ct);
            Say($"backend {first.Manifest.Backend}; {first.Manifest.Capabilities.Count} capabilities: {string.Join(", ", first.Manifest.Capabilities)}");

            Step(5, "take a screenshot");
            var shot = await first.CaptureAsync(cancellationToken: ct);
            await File.WriteAllBytesAsync(screenshot, shot.Data, ct);
            Say($"saved a {shot.Width}x{shot.Height} {shot.Format} ({shot.Data.Length / 1024} KiB) to {screenshot}");

            Step(6, "find the app's window and move it");
            Window window;
            try
            {
                window = await WaitForWindowAsync(first, "opendesk demo", ct);
            }
            catch (OpenDeskException ex) when (app.HasExited)
            {
                throw new OpenDeskException($"{ex.Message}; xterm exited with {app.ExitCode}: {(await app.StandardError.ReadToEndAsync(ct)).Trim()}");
            }

            Say($"found window {window.Id} '{window.Title}' ({window.AppName}, pid {window.Pid}) at {Describe(window.Bounds)}");
            await first.MoveWindowAsync(window.Id, new Rect(400, 300, window.Bounds?.Width ?? 500, window.Bounds?.Height ?? 200), ct);
            var moved = (await first.ListWindowsAsync(ct)).Single(w => w.Id == window.Id);
            Say($"moved it to {Describe(moved.Bounds)}");

            Step(7, "type into the app and read the text back from disk");
            await first.FocusWindowAsync(window.Id, ct);
            const string text = "Hello from opendesk: typed, not pasted. ünïcødé ✓";
            await first.TypeTextAsync(text + "\n", 5, ct);
            await first.PressAsync("d", [Modifier.Ctrl], ct);
            var readBack = await WaitForFileAsync(first, typed, ct);
            Say($"typed   : {text}");
            Say($"on disk : {readBack.TrimEnd('\n')}");
            if (readBack.TrimEnd('\n') != text)
            {
                throw new OpenDeskException("the text read back differs from what was typed");
            }

            Step(8, "a second controller is refused while the laptop is active");
            try
            {
                await using var intruder = await RemoteComputer.ConnectAsync("desk", new RemoteComputerOptions { Home = tablet, AutoReconnect = false }, ct);
                throw new OpenDeskException("the tablet was admitted while the laptop was active");
            }
            catch (BusyException ex)
            {
                Say($"tablet: {ex.Message}");
            }

            Step(9, "the laptop reconnects: its old session is bumped at once");
            var second = await RemoteComputer.ConnectAsync("desk", options, ct);
            await first.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), ct);
            Say($"old laptop session evicted: {first.EvictionReason}; new session works: cursor at {await Point(second, ct)}");
            await first.DisposeAsync();

            Step(10, "`opendesk sessions` and `opendesk disconnect` on the desk");
            Say((await RunSelfAsync("sessions", "--home", desk)).TrimEnd());
            Say((await RunSelfAsync("disconnect", "--home", desk)).TrimEnd());
            await second.Disconnected.WaitAsync(TimeSpan.FromSeconds(5), ct);
            Say($"laptop evicted ({second.EvictionReason}); it will not reconnect on its own");
            await second.DisposeAsync();

            await using (var now = await RemoteComputer.ConnectAsync("desk", new RemoteComputerOptions { Home = tablet, AutoReconnect = false }, ct))
            {
                Say($"the slot is free: the tablet connects, cursor at {await Point(now, ct)}");
            }

            Console.WriteLine();
            Console.WriteLine("✓ Demo complete.");
            return 0;
        }
        finally
        {
            foreach (var child in children.Where(c => !c.HasExited))
            {
                Terminate(child);
            }

            if (display is not null)
            {
                await display.DisposeAsync();
            }

            if (!keep)
            {
                try
                {
                    Directory.Delete(root, recursive: true);
                }
                catch (IOException)
                {
                }
            }
            else
            {
                Console.WriteLine($"Kept {root}");
            }
        }
    }

    private static async Task<string> Point(RemoteComputer computer, CancellationToken ct)
    {
        var point = await computer.CursorPositionAsync(ct);
        return string.Create(CultureInfo.InvariantCulture, $"({point.X}, {point.Y})");
    }

    private static async Task<Window> WaitForWindowAsync(RemoteComputer computer, string title, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await computer.ListWindowsAsync(ct)).FirstOrDefault(w => w.Title == title) is { } window)
            {
                return window;
            }

            await Task.Delay(100, ct);
        }

        var seen = string.Join(", ", (await computer.ListWindowsAsync(ct)).Select(w => $"'{w.Title}' ({w.AppName})"));
        throw new OpenDeskException($"no window titled '{title}' appeared; windows: {(seen.Length > 0 ? seen : "none")}");
    }

    private static async Task<string> WaitForFileAsync(RemoteComputer computer, string path, CancellationToken ct)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                var data = await computer.ReadFileAsync(path, ct);
                if (data.Length > 0 && data[^1] == (byte)'\n')
                {
                    return Encoding.UTF8.GetString(data);
                }
            }
            catch (ProtocolException ex) when (ex.Code == ErrorCodes.NotFound)
            {
            }

            await Task.Delay(100, ct);
        }

        throw new OpenDeskException($"the app never wrote {path}");
    }

    private static string Describe(Rect? bounds) =>
        bounds is null ? "(unknown)" : string.Create(CultureInfo.InvariantCulture, $"x={bounds.X} y={bounds.Y} {bounds.Width}x{bounds.Height}");

    private static void Step(int number, string title)
    {
        Console.WriteLine();
        Console.WriteLine($"[{number}] {title}");
    }

    private static void Say(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            Console.WriteLine($"    {line}");
        }
    }

    private static string RandomNumberCode() =>
        System.Security.Cryptography.RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>This same opendesk, as a child process, started the way <see cref="SelfProgram"/> says.</summary>
    private static ProcessStartInfo SelfStartInfo(string[] args)
    {
        var self = SelfProgram.Current();
        var info = new ProcessStartInfo(self[0]);
        foreach (var arg in self.Skip(1).Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        return info;
    }

    private static Process StartSelf(List<Process> children, params string[] args)
    {
        var process = Process.Start(SelfStartInfo(args)) ?? throw new OpenDeskException($"could not start opendesk {args[0]}");
        children.Add(process);
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static async Task<string> RunSelfAsync(params string[] args)
    {
        using var process = Process.Start(SelfStartInfo(args)) ?? throw new OpenDeskException($"could not start opendesk {args[0]}");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    private static Process StartProgram(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            return Process.Start(info) ?? throw new OpenDeskException($"could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new OpenDeskException($"could not start {program}: {ex.Message} (run `sudo apt-get install -y {program}`)");
        }
    }

    private static async Task<string> WaitForLineAsync(Process process, string marker, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(marker, StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return line;
            }
        }

        throw new OpenDeskException($"opendesk {process.StartInfo.ArgumentList.FirstOrDefault()} exited before printing '{marker}'");
    }

    /// <summary>SIGTERM so serve shuts down cleanly (admin socket removed); SIGKILL if it does not.</summary>
    private static void Terminate(Process process)
    {
        try
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
