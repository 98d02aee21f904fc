using System.Diagnostics;
using System.Text;

namespace OpenDesk.Tests.Linux;

/// <summary>
/// A private X server for tests: <c>Xvfb</c> on a display number it picks itself (<c>-displayfd</c>, so parallel
/// test classes never race for one), optionally with <c>openbox</c> managing windows. Use it as an xunit
/// <c>IClassFixture&lt;XvfbFixture&gt;</c> (1920x1080, no window manager); for other settings derive a fixture
/// class whose public parameterless constructor calls the protected one (xunit needs exactly one public
/// constructor), or call <see cref="Create"/> directly and dispose the result. Disposal kills the server and every
/// process started through <see cref="Start"/>.
/// </summary>
public class XvfbFixture : IDisposable
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _server;
    private readonly StringBuilder _serverLog = new();
    private readonly List<Process> _children = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    public XvfbFixture()
        : this(1920, 1080)
    {
    }

    /// <param name="width">Screen width in pixels.</param>
    /// <param name="height">Screen height in pixels.</param>
    /// <param name="withWindowManager">Run <c>openbox</c> and wait until it manages the display.</param>
    /// <param name="depth">Colour depth; 24 unless a test needs an unusual visual.</param>
    /// <param name="serverArguments">Extra Xvfb arguments, e.g. <c>-extension MIT-SHM</c> to switch an extension off.</param>
    protected XvfbFixture(int width, int height, bool withWindowManager = false, int depth = 24, params string[] serverArguments)
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        Width = width;
        Height = height;
        WithWindowManager = withWindowManager;
        _server = StartServer($"{width}x{height}x{depth}", serverArguments, _serverLog, out var displayNumber);
        DisplayName = $":{displayNumber}";
        Env = new Dictionary<string, string> { ["DISPLAY"] = DisplayName };
        try
        {
            if (withWindowManager)
            {
                StartWindowManager();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A server of the given size, with <c>openbox</c> running when <paramref name="withWindowManager"/> is set.</summary>
    public static XvfbFixture Create(int width, int height, bool withWindowManager = false) => new(width, height, withWindowManager);

    /// <summary>Why X tests cannot run here (no <c>Xvfb</c> on PATH), or null when they can; for Skip attributes.</summary>
    public static string? SkipReason { get; } = FindOnPath("Xvfb") is null
        ? "Xvfb is not installed (apt-get install xvfb; scripts/test.sh installs it)"
        : null;

    /// <summary>The X display, e.g. <c>:3</c>; pass it to code under test instead of relying on <c>$DISPLAY</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Environment for child processes (<c>DISPLAY</c>); merge it over the test's own.</summary>
    public IReadOnlyDictionary<string, string> Env { get; }

    public int Width { get; }

    public int Height { get; }

    public bool WithWindowManager { get; }

    /// <summary>
    /// Runs <paramref name="command"/> on this display, waits for it and returns its standard output. A non-zero
    /// exit or a run longer than 30 s throws with the command's standard error.
    /// </summary>
    public string Run(string command, params string[] args)
    {
        using var process = Process.Start(StartInfo(command, args, redirectOutput: true))
            ?? throw new InvalidOperationException($"cannot start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(RunTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(command, args)} did not finish within {RunTimeout.TotalSeconds} s");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Describe(command, args)} exited with {process.ExitCode}: {stderr.GetAwaiter().GetResult().Trim()}");
        }

        return stdout.GetAwaiter().GetResult();
    }

    /// <summary>Starts a long-running program on this display (an xterm, a test app); it is killed on dispose.</summary>
    public Process Start(string command, params string[] args)
    {
        var process = Process.Start(StartInfo(command, args, redirectOutput: false))
            ?? throw new InvalidOperationException($"cannot start {command}");
        lock (_gate)
        {
            if (_disposed)
            {
                Kill(process);
                throw new ObjectDisposedException(nameof(XvfbFixture));
            }

            _children.Add(process);
        }

        return process;
    }

    /// <summary>Polls <paramref name="condition"/> every 25 ms until it holds; throws after <paramref name="timeout"/>.</summary>
    public static void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }

            Thread.Sleep(25);
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        List<Process> children;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            children = [.. _children];
            _children.Clear();
        }

        // Clients first, so none of them sees the server vanish and spends time reporting it.
        foreach (var child in children)
        {
            Kill(child);
        }

        Terminate(_server);
    }

    private static Process StartServer(string screen, string[] serverArguments, StringBuilder log, out int displayNumber)
    {
        // -displayfd makes Xvfb choose a free display and write its number once it accepts connections, which is
        // both the allocation and the readiness signal; stdout is that descriptor. -noreset keeps the server from
        // resetting whenever its last client disconnects, which would refuse connections for a moment and wipe
        // state (root colour, properties) that a test set up with a short-lived client such as xsetroot.
        var info = new ProcessStartInfo("Xvfb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-displayfd", "1", "-screen", "0", screen, "-nolisten", "tcp", "-noreset" }.Concat(serverArguments))
        {
            info.ArgumentList.Add(arg);
        }

        var server = Process.Start(info) ?? throw new InvalidOperationException("cannot start Xvfb");
        server.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        server.BeginErrorReadLine();

        var line = server.StandardOutput.ReadLineAsync();
        if (!line.Wait(StartupTimeout) || !int.TryParse(line.Result, out displayNumber))
        {
            Kill(server);
            string output;
            lock (log)
            {
                output = log.ToString().Trim();
            }

            throw new InvalidOperationException($"Xvfb did not report a display within {StartupTimeout.TotalSeconds} s: {output}");
        }

        return server;
    }

    private void StartWindowManager()
    {
        var info = StartInfo("openbox", ["--sm-disable"], redirectOutput: false);
        var openbox = Process.Start(info) ?? throw new InvalidOperationException("cannot start openbox");
        lock (_gate)
        {
            _children.Add(openbox);
        }

        // An EWMH window manager announces itself on the root window; until then windows are not yet managed.
        WaitUntil(() => TryRun("wmctrl", "-m"), StartupTimeout, "openbox to manage the display");
    }

    private bool TryRun(string command, params string[] args)
    {
        try
        {
            Run(command, args);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private ProcessStartInfo StartInfo(string command, string[] args, bool redirectOutput)
    {
        var info = new ProcessStartInfo(command)
        {
            UseShellExecute = false,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = redirectOutput,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in Env)
        {
            info.Environment[key] = value;
        }

        // A Wayland session variable would steer toolkits away from the X server under test.
        info.Environment.Remove("WAYLAND_DISPLAY");
        return info;
    }

    /// <summary>
    /// SIGTERM first: Xvfb then removes its socket, which a SIGKILL would leave behind in /tmp/.X11-unix for
    /// every test run. .NET has no API for signals other than SIGKILL, so kill(1) sends it.
    /// </summary>
    private static void Terminate(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                kill.WaitForExit();
                process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or no kill(1): the SIGKILL below still stops it.
        }

        Kill(process);
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

    private static string Describe(string command, string[] args) => args.Length == 0 ? command : $"{command} {string.Join(' ', args)}";

    private static string? FindOnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, program)))
            {
                return Path.Combine(directory, program);
            }
        }

        return null;
    }
}
