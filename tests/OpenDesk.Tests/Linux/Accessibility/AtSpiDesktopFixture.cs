using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Linux;
using OpenDesk.Server;
using OpenDesk.Tests.Linux.Windows;
using OpenDesk.Tests.Server;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>
/// An accessible desktop of its own: Xvfb with openbox, a private session bus (<c>dbus-daemon</c>), the AT-SPI
/// bus launcher on it, and <c>gtk3-widget-factory</c> registered on the accessibility bus; then the Linux
/// backend for that display behind a real server, with a paired RemoteComputer. Disposal stops every
/// process it started (apps, launcher with its bus and registry, the session bus, the X server).
/// </summary>
public sealed class AtSpiDesktopFixture : IAsyncLifetime
{
    public const string WidgetFactory = "gtk3-widget-factory";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] LauncherPaths = ["/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher"];

    private readonly List<Process> _processes = [];
    private readonly Lock _gate = new();
    private string? _scriptDirectory;
    private string? _root;
    private OpenDeskServer? _server;
    private LinuxBackend? _backend;
    private RemoteComputer? _remote;
    private bool _disposed;

    /// <summary>Why these tests cannot run here (a missing program), or null when they can.</summary>
    public static string? SkipReason { get; } = XvfbFixture.SkipReason ?? PyAtSpiObserver.SkipReason ?? MissingProgram();

    public XvfbFixture X { get; private set; } = null!;

    /// <summary>Variables every process of this desktop gets: the display and the private session bus.</summary>
    public IReadOnlyDictionary<string, string> Env { get; private set; } = new Dictionary<string, string>();

    public ModularComputer Computer => _backend!.Computer;

    /// <summary>The running gtk3-widget-factory.</summary>
    public Process WidgetFactoryProcess { get; private set; } = null!;

    public RemoteComputer Remote => _remote!;

    public Task InitializeAsync() => SkipReason is not null ? Task.CompletedTask : Task.Run(async () =>
    {
        try
        {
            X = XvfbFixture.Create(1920, 1080, withWindowManager: true);
            StartBuses();
            WidgetFactoryProcess = StartApp(WidgetFactory);
            WaitForApplication(WidgetFactory);
            X11Observer.WaitForWindow(X, WidgetFactory);

            _root = ServerFixture.TempDirectory("a11y");
            var serverHome = new OpenDeskHome(Path.Combine(_root, "s"));
            var clientHome = new OpenDeskHome(Path.Combine(_root, "c"));
            new TrustStore(serverHome).Add(Identity.LoadOrCreate(clientHome).PublicKey, "tester", PeerRole.Controller);
            _backend = await LinuxBackend.OpenAsync(new LinuxBackendOptions { DisplayName = X.DisplayName }, NullLogger.Instance);
            _server = await OpenDeskServer.StartAsync(new ServerOptions { Home = serverHome, Computer = Computer, Host = "127.0.0.1", Port = 0, Audit = false });
            _remote = await RemoteComputer.ConnectAsync($"ws://127.0.0.1:{_server.Port}#{_server.Identity.PublicKeyHex}",
                new RemoteComputerOptions { Home = clientHome.Path, AutoReconnect = false });
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    });

    /// <summary>Starts a program on this desktop (display, session bus, accessibility on); it is stopped on dispose.</summary>
    public Process StartApp(string program, params string[] args)
    {
        var process = Process.Start(StartInfo(program, args, redirect: false)) ?? throw new InvalidOperationException($"cannot start {program}");
        lock (_gate)
        {
            if (_disposed)
            {
                Kill(process);
                throw new ObjectDisposedException(nameof(AtSpiDesktopFixture));
            }

            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Waits until pyatspi sees the application with a shown window.</summary>
    public void WaitForApplication(string name)
    {
        var seconds = ((int)StartDeadline.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (code, output) = Run(PyAtSpiObserver.Python, [ObserverScript(), "wait", name, seconds]);
        if (code != 0)
        {
            throw new TimeoutException($"{name} did not show a window on the accessibility bus within {seconds} s: {output}");
        }
    }

    /// <summary>What pyatspi, in its own process, reads at a child path from the application root.</summary>
    public JsonElement Observe(string app, IEnumerable<int> path)
    {
        var (code, output) = Run(PyAtSpiObserver.Python, [ObserverScript(), "node", app, string.Join('.', path)]);
        if (code != 0)
        {
            throw new InvalidOperationException($"pyatspi observer failed with {code}: {output}");
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>What pyatspi finds under a screen point: the window, then each object down to the deepest.</summary>
    public JsonElement ObserveAt(string app, int x, int y)
    {
        var (code, output) = Run(PyAtSpiObserver.Python, [ObserverScript(), "at", app, x.ToString(System.Globalization.CultureInfo.InvariantCulture), y.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (code != 0)
        {
            throw new InvalidOperationException($"pyatspi observer failed with {code}: {output}");
        }

        return JsonDocument.Parse(output).RootElement.Clone();
    }

    /// <summary>How many objects pyatspi finds walking the whole application.</summary>
    public int ObservedNodeCount(string app)
    {
        var (code, output) = Run(PyAtSpiObserver.Python, [ObserverScript(), "dump", app]);
        if (code != 0)
        {
            throw new InvalidOperationException($"pyatspi observer failed with {code}: {output}");
        }

        return JsonDocument.Parse(output).RootElement.GetProperty("nodes").GetInt32();
    }

    /// <summary>Runs a program with this desktop's environment; returns its exit code and standard output (plus error on failure).</summary>
    public (int Code, string Output) Run(string program, IReadOnlyList<string> args)
    {
        using var process = Process.Start(StartInfo(program, args, redirect: true)) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {RunTimeout.TotalSeconds} s");
        }

        process.WaitForExit();
        var output = stdout.GetAwaiter().GetResult();
        return process.ExitCode == 0 ? (0, output) : (process.ExitCode, output + stderr.GetAwaiter().GetResult());
    }

    public async Task DisposeAsync()
    {
        List<Process> processes;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            processes = [.. _processes];
            _processes.Clear();
        }

        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        // Applications first, then the launcher (its bus and the registry go with it), then the session bus.
        for (var i = processes.Count - 1; i >= 0; i--)
        {
            Kill(processes[i]);
        }

        X?.Dispose();
        foreach (var directory in new[] { _root, _scriptDirectory })
        {
            if (directory is not null && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private void StartBuses()
    {
        Env = new Dictionary<string, string> { ["DISPLAY"] = X.DisplayName };

        // --nofork keeps the daemon our child, so disposal can stop it; its address is the first line it prints.
        var daemon = Process.Start(StartInfo("dbus-daemon", ["--session", "--nofork", "--print-address=1"], redirect: true))
            ?? throw new InvalidOperationException("cannot start dbus-daemon");
        lock (_gate)
        {
            _processes.Add(daemon);
        }

        var line = daemon.StandardOutput.ReadLineAsync();
        if (!line.Wait(StartDeadline) || string.IsNullOrWhiteSpace(line.Result))
        {
            throw new InvalidOperationException("dbus-daemon did not print its address");
        }

        Env = new Dictionary<string, string> { ["DISPLAY"] = X.DisplayName, ["DBUS_SESSION_BUS_ADDRESS"] = line.Result.Trim() };
        StartApp(LauncherPaths.First(File.Exists), "--launch-immediately");

        // Apps must find the launcher we started; one that asked before it owned its name would have D-Bus start a second.
        XvfbFixture.WaitUntil(() => Run("dbus-send", ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner", "string:org.a11y.Bus"]).Output.Contains("boolean true", StringComparison.Ordinal)
                && X.Run("xprop", "-root", "AT_SPI_BUS").Contains("unix:", StringComparison.Ordinal),
            StartDeadline, "the AT-SPI bus launcher to own org.a11y.Bus and announce its bus on the root window");
    }

    private string ObserverScript()
    {
        lock (_gate)
        {
            if (_scriptDirectory is null)
            {
                _scriptDirectory = Directory.CreateTempSubdirectory("od-pyatspi-").FullName;
                File.WriteAllText(Path.Combine(_scriptDirectory, "observer.py"), PyAtSpiObserver.Script);
            }

            return Path.Combine(_scriptDirectory, "observer.py");
        }
    }

    private ProcessStartInfo StartInfo(string program, IEnumerable<string> args, bool redirect)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = redirect,
            RedirectStandardError = redirect,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Env)
        {
            info.Environment[key] = value;
        }

        // Whatever desktop the tests run in must not leak in: no Wayland, no other accessibility bus, no switch
        // that turns the toolkit's bridge off; settings in memory so no dconf service is activated on our bus.
        foreach (var variable in new[] { "WAYLAND_DISPLAY", "AT_SPI_BUS_ADDRESS", "NO_AT_BRIDGE", "GTK_A11Y", "GTK_MODULES" })
        {
            info.Environment.Remove(variable);
        }

        info.Environment["GDK_BACKEND"] = "x11";
        info.Environment["GSETTINGS_BACKEND"] = "memory";
        info.Environment["GIO_USE_VFS"] = "local";
        info.Environment["LC_ALL"] = "C.UTF-8";
        return info;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            process.Dispose();
        }
    }

    private static string? MissingProgram()
    {
        if (!LauncherPaths.Any(File.Exists))
        {
            return "at-spi2-core is not installed (scripts/test.sh installs it)";
        }

        foreach (var (program, package) in new[] { ("dbus-daemon", "dbus"), ("dbus-send", "dbus"), ("gtk3-widget-factory", "gtk-3-examples"), ("xprop", "x11-utils") })
        {
            if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program))))
            {
                return $"{program} is not installed (package {package}; scripts/test.sh installs it)";
            }
        }

        return null;
    }
}
