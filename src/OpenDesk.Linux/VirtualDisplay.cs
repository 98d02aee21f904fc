using System.Diagnostics;
using System.Globalization;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux;

/// <summary>
/// A desktop of its own for a headless machine: Xvfb on a free display number, the openbox window manager
/// (windows need one to be moved, focused and closed the EWMH way), and, where they are installed, a session bus
/// with the AT-SPI accessibility bus on it, so GTK and Qt apps started on this desktop expose their widgets to
/// <c>ui.tree</c>. All stop on dispose, and are tethered to this process, so they also end when it crashes or is
/// killed.
/// </summary>
public sealed class VirtualDisplay : IAsyncDisposable
{
    public const string DefaultSize = "1920x1080";

    /// <summary>How long Xvfb and openbox get to exit on SIGTERM before they are killed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private static readonly string[] AccessibilityLauncherPaths = ["/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher"];

    private readonly Process _xvfb;
    private readonly Process? _windowManager;
    private readonly SessionBus? _sessionBus;

    private VirtualDisplay(Process xvfb, Process? windowManager, SessionBus? sessionBus, string name, int width, int height)
    {
        _xvfb = xvfb;
        _windowManager = windowManager;
        _sessionBus = sessionBus;
        Name = name;
        Width = width;
        Height = height;
    }

    /// <summary>The X display name, e.g. <c>:7</c>.</summary>
    public string Name { get; }

    public int Width { get; }

    public int Height { get; }

    /// <summary>The address of this desktop's own D-Bus session bus, or null when <c>dbus-daemon</c> is not installed.</summary>
    public string? SessionBusAddress => _sessionBus?.Address;

    /// <summary>
    /// True when the AT-SPI bus launcher runs on this desktop's session bus (package <c>at-spi2-core</c>), so apps
    /// started here register their accessibility trees.
    /// </summary>
    public bool HasAccessibilityBus => _sessionBus?.Launcher is not null;

    /// <summary>True when <c>$DISPLAY</c> names an X server this process can open.</summary>
    public static bool HasUsableDisplay()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")))
        {
            return false;
        }

        try
        {
            using var connection = XDisplayConnection.Open();
            return true;
        }
        catch (OpenDeskException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>WxH</c>, e.g. <c>1920x1080</c>.</summary>
    public static (int Width, int Height) ParseSize(string size)
    {
        var parts = size.Split('x', 'X');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            && width is >= 320 and <= 8192 && height is >= 200 and <= 8192)
        {
            return (width, height);
        }

        throw new OpenDeskException($"invalid virtual display size '{size}': expected WIDTHxHEIGHT between 320x200 and 8192x8192, e.g. 1920x1080");
    }

    /// <summary>
    /// Starts Xvfb (letting it pick a free display number), openbox, a session bus and the accessibility bus, and
    /// points <c>DISPLAY</c> and <c>DBUS_SESSION_BUS_ADDRESS</c> of this process at them, so every X11 service and
    /// every app launched from here uses them. A missing openbox, <c>dbus-daemon</c> or AT-SPI bus launcher leaves
    /// that part out rather than failing.
    /// </summary>
    public static async Task<VirtualDisplay> StartAsync(string size = DefaultSize, bool windowManager = true, CancellationToken cancellationToken = default)
    {
        var (width, height) = ParseSize(size);
        var xvfbPath = FindOnPath("Xvfb")
            ?? throw new OpenDeskException("Xvfb is not installed: run `sudo apt-get install -y xvfb openbox` (or start serve inside a desktop session)");
        var xvfb = await StartAsync(xvfbPath, "-displayfd", "1", "-screen", "0", $"{width}x{height}x24", "-nolisten", "tcp", "-noreset", "+extension", "RANDR", "+extension", "DAMAGE").ConfigureAwait(false);
        string name;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var line = await xvfb.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (line is null || !int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                var error = await xvfb.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                throw new OpenDeskException($"Xvfb did not start: {error.Trim()}");
            }

            name = ":" + number.ToString(CultureInfo.InvariantCulture);
        }
        catch
        {
            await StopAsync(xvfb).ConfigureAwait(false);
            throw;
        }

        // Xvfb's stderr is chatty and nobody reads it after start: drain it so the pipe never fills.
        _ = xvfb.StandardError.ReadToEndAsync(CancellationToken.None);
        Environment.SetEnvironmentVariable("DISPLAY", name);
        Process? openbox = null;
        SessionBus? sessionBus = null;
        try
        {
            if (windowManager && FindOnPath("openbox") is { } openboxPath)
            {
                openbox = await StartAsync(openboxPath, "--sm-disable").ConfigureAwait(false);
                _ = openbox.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = openbox.StandardError.ReadToEndAsync(CancellationToken.None);
                await WaitForWindowManagerAsync(cancellationToken).ConfigureAwait(false);
            }

            sessionBus = await StartSessionBusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (openbox is not null)
            {
                await StopAsync(openbox).ConfigureAwait(false);
            }

            await StopAsync(xvfb).ConfigureAwait(false);
            throw;
        }

        return new VirtualDisplay(xvfb, openbox, sessionBus, name, width, height);
    }

    public async ValueTask DisposeAsync()
    {
        // The launcher first: it takes the accessibility bus down with it while the session bus it watches is still up.
        if (_sessionBus is { } bus)
        {
            if (bus.Launcher is not null)
            {
                await StopAsync(bus.Launcher).ConfigureAwait(false);
            }

            await StopAsync(bus.Daemon).ConfigureAwait(false);
        }

        if (_windowManager is not null)
        {
            await StopAsync(_windowManager).ConfigureAwait(false);
        }

        await StopAsync(_xvfb).ConfigureAwait(false);
    }

    /// <summary>
    /// A private session bus for this desktop (a session bus belongs to one desktop: the host's would lead apps to
    /// another display's accessibility bus), and the AT-SPI bus launcher on it, which starts the accessibility bus
    /// at once and announces it on the root window, where GTK and Qt look for it.
    /// </summary>
    private static async Task<SessionBus?> StartSessionBusAsync(CancellationToken cancellationToken)
    {
        if (FindOnPath("dbus-daemon") is not { } daemonPath)
        {
            return null;
        }

        // --nofork keeps the daemon our (tethered) child; its address is the first line it prints.
        var daemon = await StartAsync(daemonPath, "--session", "--nofork", "--nopidfile", "--print-address=1").ConfigureAwait(false);
        Process? launcher = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var address = (await daemon.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false))?.Trim();
            if (string.IsNullOrEmpty(address))
            {
                var error = await daemon.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                throw new OpenDeskException($"dbus-daemon did not start a session bus for the virtual display: {error.Trim()}");
            }

            _ = daemon.StandardOutput.ReadToEndAsync(CancellationToken.None);
            _ = daemon.StandardError.ReadToEndAsync(CancellationToken.None);
            Environment.SetEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS", address);

            // The host's accessibility bus and switches that turn the toolkits' bridge off must not leak into this desktop.
            foreach (var variable in new[] { "AT_SPI_BUS_ADDRESS", "NO_AT_BRIDGE", "WAYLAND_DISPLAY" })
            {
                Environment.SetEnvironmentVariable(variable, null);
            }

            if (AccessibilityLauncherPaths.FirstOrDefault(File.Exists) is { } launcherPath)
            {
                launcher = await StartAsync(launcherPath, "--launch-immediately").ConfigureAwait(false);
                _ = launcher.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = launcher.StandardError.ReadToEndAsync(CancellationToken.None);
                await WaitForAccessibilityBusAsync(launcher, cancellationToken).ConfigureAwait(false);

                // GTK registers with any accessibility bus it finds; Qt only once the bus reports a screen reader or
                // is told to always register, and on this desktop the controller is the screen reader.
                Environment.SetEnvironmentVariable("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1");
            }

            return new SessionBus(daemon, address, launcher);
        }
        catch
        {
            if (launcher is not null)
            {
                await StopAsync(launcher).ConfigureAwait(false);
            }

            await StopAsync(daemon).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Apps started before the launcher announced its bus would run without accessibility, so wait for it.</summary>
    private static async Task WaitForAccessibilityBusAsync(Process launcher, CancellationToken cancellationToken)
    {
        using var connection = XDisplayConnection.Open();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!connection.Run(display => HasAnnouncedAccessibilityBus(display, connection.Root)))
        {
            if (launcher.HasExited)
            {
                throw new OpenDeskException($"the AT-SPI bus launcher exited with code {launcher.ExitCode} before it announced the accessibility bus");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new OpenDeskException("the AT-SPI bus launcher did not announce the accessibility bus on the virtual display within 10 s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool HasAnnouncedAccessibilityBus(nint display, nint root)
    {
        // Only if the atom exists: asking must not create it.
        var property = Xlib.XInternAtom(display, "AT_SPI_BUS", Xlib.True);
        return property != Xlib.None && HasProperty(display, root, property);
    }

    private sealed record SessionBus(Process Daemon, string Address, Process? Launcher);

    private static async Task WaitForWindowManagerAsync(CancellationToken cancellationToken)
    {
        using var connection = XDisplayConnection.Open();
        var supportingCheck = connection.Atom("_NET_SUPPORTING_WM_CHECK");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var present = connection.Run(display => HasProperty(display, connection.Root, supportingCheck));
            if (present)
            {
                return;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static unsafe bool HasProperty(nint display, nint window, nint property)
    {
        var status = Xlib.XGetWindowProperty(display, window, property, 0, 1, Xlib.False, Xlib.AnyPropertyType,
            out var type, out _, out var count, out _, out var data);
        if (data != null)
        {
            Xlib.XFree(data);
        }

        return status == Xlib.Success && type != 0 && count > 0;
    }

    private static Task<Process> StartAsync(string path, params string[] args)
    {
        var info = new ProcessStartInfo(path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Processes.TetheredProcess.StartAsync(info);
    }

    /// <summary>
    /// Asks politely first: on SIGTERM Xvfb removes its lock file and socket under /tmp, which SIGKILL would leave
    /// behind for every later server to step around.
    /// </summary>
    private static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                Processes.ProcessInterop.kill(process.Id, Processes.ProcessInterop.SIGTERM);
                using var grace = new CancellationTokenSource(StopGrace);
                try
                {
                    await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // It was never started or is already reaped: nothing left to stop.
        }

        process.Dispose();
    }

    internal static string? FindOnPath(string program) => Processes.ProgramPath.TryResolveOnPath(program);
}
