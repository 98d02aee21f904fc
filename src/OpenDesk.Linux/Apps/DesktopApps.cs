using System.Collections;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.Processes;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.Apps;

/// <summary>
/// The <c>apps.*</c> methods. An application is named by its desktop-file id (<c>org.xfce.mousepad</c>), its
/// desktop entry's <c>Name</c> (<c>Mousepad</c>, case-insensitive), an executable on <c>$PATH</c>
/// (<c>xterm</c>) or an absolute path. <c>apps.list</c> returns the ids of the installed, menu-visible
/// desktop entries (X11 has no registry of "running applications" beyond processes and windows, and ids are
/// what <c>apps.open</c> accepts), sorted ordinally. Running instances are found by process name among the
/// processes of the server's user.
/// </summary>
internal sealed class DesktopApps : IAppsModule
{
    /// <summary>How long apps.close lets an application handle SIGTERM (save, clean up) before SIGKILL.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);

    /// <summary>An app that dies this soon after launch failed to start (no display, bad arguments), and we say so.</summary>
    private static readonly TimeSpan StartupWatch = TimeSpan.FromMilliseconds(300);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly DesktopEntryCatalog _catalog;
    private readonly IAppWindowFocus? _windowFocus;
    private readonly IReadOnlyDictionary<string, string> _launchEnvironment;

    /// <param name="windowFocus">Focuses windows for apps.focus; null makes apps.focus <c>capability_unsupported</c>.</param>
    /// <param name="catalog">Where desktop entries come from; null means the XDG directories of the environment.</param>
    /// <param name="launchEnvironment">
    /// Variables merged over the server's environment for launched apps, e.g. the <c>DISPLAY</c> of a virtual
    /// display the server started, which its own environment does not name.
    /// </param>
    public DesktopApps(IAppWindowFocus? windowFocus = null, DesktopEntryCatalog? catalog = null, IReadOnlyDictionary<string, string>? launchEnvironment = null)
    {
        _windowFocus = windowFocus;
        _catalog = catalog ?? new DesktopEntryCatalog();
        _launchEnvironment = launchEnvironment ?? new Dictionary<string, string>();
    }

    public IReadOnlyCollection<string> Capabilities { get; } = [OpenDesk.Protocol.Capabilities.AppLifecycle];

    Task IAppsModule.OpenAppAsync(string name, CancellationToken cancellationToken) => OpenAppAsync(name, cancellationToken);

    /// <summary><c>apps.list</c>: ids of installed desktop entries that are shown in menus and can run here.</summary>
    public Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default)
    {
        var ids = _catalog.Scan().Values.Where(DesktopEntryCatalog.IsVisible).Select(e => e.Id).ToList();
        ids.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    /// <summary>
    /// <c>apps.open</c>: launches the application detached from the server (own session, stdio on
    /// <c>/dev/null</c>, the server's environment including <c>DISPLAY</c>) and returns its pid once it has
    /// started. An application that exits with an error within a moment of starting is reported as a failure.
    /// </summary>
    public async Task<int> OpenAppAsync(string name, CancellationToken cancellationToken = default)
    {
        var (argv, cwd) = ResolveLaunch(RequireName(name));
        var environment = LaunchEnvironment();
        environment.TryGetValue("PATH", out var searchPath);
        var program = ProgramPath.Resolve(argv[0], searchPath, cwd);

        using var child = ChildProcess.Start(program, argv, environment, cwd, pipeInput: false, captureOutput: false);
        await Task.WhenAny(child.Exited, Task.Delay(StartupWatch, cancellationToken)).ConfigureAwait(false);
        if (child.Exited is { IsCompletedSuccessfully: true, Result: not 0 and var status })
        {
            throw new OpenDeskException(
                $"'{name}' ({string.Join(' ', argv)}) exited right after starting with status {status}; check that it can run in this session (DISPLAY={environment.GetValueOrDefault("DISPLAY", "<unset>")})");
        }

        return child.Pid;
    }

    /// <summary>
    /// <c>apps.close</c>: SIGTERM to every matching process of the server's user, then SIGKILL to any still
    /// running after <see cref="CloseGrace"/>. <c>not_found</c> when none is running.
    /// </summary>
    public async Task CloseAppAsync(string name, CancellationToken cancellationToken = default)
    {
        var pids = FindRunning(RequireName(name));
        if (pids.Count == 0)
        {
            throw new NotFoundException($"no running application named '{name}'");
        }

        foreach (var pid in pids)
        {
            ProcessInterop.kill(pid, ProcessInterop.SIGTERM);
        }

        if (await WaitForExitAsync(pids, CloseGrace, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        foreach (var pid in pids.Where(ProcessTable.IsRunning))
        {
            ProcessInterop.kill(pid, ProcessInterop.SIGKILL);
        }

        await WaitForExitAsync(pids, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>apps.focus</c>: focuses the first window of a running instance.</summary>
    public Task FocusAppAsync(string name, CancellationToken cancellationToken = default)
    {
        var pids = FindRunning(RequireName(name));
        if (pids.Count == 0)
        {
            throw new NotFoundException($"no running application named '{name}'");
        }

        if (_windowFocus is null)
        {
            throw ErrorMapping.Unsupported(OpenDesk.Protocol.Capabilities.AppLifecycle, "local/linux (no window manager access for apps.focus)");
        }

        return _windowFocus.FocusFirstWindowOf(pids, name)
            ? Task.CompletedTask
            : throw new NotFoundException($"application '{name}' is running but has no window to focus");
    }

    /// <summary>The running processes of the server's user that <paramref name="name"/> designates.</summary>
    public IReadOnlyList<int> FindRunning(string name)
    {
        var names = ProcessNames(name);
        var self = Environment.ProcessId;
        var ourUid = ProcessTable.OwnerUid(self);
        var result = new List<int>();
        foreach (var process in ProcessTable.List())
        {
            if (process.Pid == self || !Matches(process, names))
            {
                continue;
            }

            // Root may close anyone's application; anyone else only their own (kill would fail anyway).
            if (ourUid != 0 && ProcessTable.OwnerUid(process.Pid) != ourUid)
            {
                continue;
            }

            if (ProcessTable.IsRunning(process.Pid))
            {
                result.Add(process.Pid);
            }
        }

        return result;
    }

    private static bool Matches(ProcessInfo process, HashSet<string> names)
    {
        if (names.Contains(process.Name) || (process.Cmdline.Count > 0 && names.Contains(Path.GetFileName(process.Cmdline[0]))))
        {
            return true;
        }

        // The kernel cuts comm to 15 bytes; a longer name matches its truncation.
        return process.Name.Length == ProcessTable.CommLength && names.Any(n => n.Length > ProcessTable.CommLength && n.StartsWith(process.Name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Process names that can belong to <paramref name="name"/>: itself, a path's file name, and a desktop entry's program.</summary>
    private HashSet<string> ProcessNames(string name)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
        if (name.Contains('/', StringComparison.Ordinal))
        {
            names.Add(Path.GetFileName(name));
        }

        if (FindEntry(name) is { } entry)
        {
            try
            {
                names.Add(Path.GetFileName(ProgramOf(ExecLine.Parse(entry))));
            }
            catch (Exception e) when (e is OpenDeskException or ArgumentException)
            {
                // A broken Exec line names no program; the plain name still matches.
            }
        }

        return names;
    }

    /// <summary>The program an Exec line really runs, looking through <c>env VAR=value program</c>.</summary>
    private static string ProgramOf(IReadOnlyList<string> argv)
    {
        if (Path.GetFileName(argv[0]) != "env")
        {
            return argv[0];
        }

        return argv.Skip(1).FirstOrDefault(a => !a.Contains('=', StringComparison.Ordinal) && !a.StartsWith('-')) ?? argv[0];
    }

    private (IReadOnlyList<string> Argv, string? Cwd) ResolveLaunch(string name)
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        var defaultCwd = home is { Length: > 0 } && Directory.Exists(home) ? home : null;
        if (FindEntry(name) is { } entry)
        {
            var argv = ExecLine.Parse(entry);
            if (entry.Terminal)
            {
                argv = [TerminalEmulator(name), "-e", .. argv];
            }

            var cwd = entry.WorkingDirectory is { } directory && Directory.Exists(directory) ? directory : defaultCwd;
            return (argv, cwd);
        }

        if (Path.IsPathRooted(name))
        {
            return File.Exists(name)
                ? ([name], defaultCwd)
                : throw new NotFoundException($"no application named '{name}': {OsError.Describe(ProcessInterop.ENOENT)}");
        }

        if (ProgramPath.TryResolveOnPath(name) is not null)
        {
            return ([name], defaultCwd);
        }

        throw new NotFoundException(
            $"no application named '{name}': it is neither a desktop entry id or name (see apps.list), nor an executable on PATH, nor an absolute path");
    }

    /// <summary>A launchable entry by id (with or without <c>.desktop</c>, exact case first), else by its Name.</summary>
    private DesktopEntry? FindEntry(string name)
    {
        var entries = _catalog.Scan();
        var id = name.EndsWith(".desktop", StringComparison.Ordinal) ? name[..^".desktop".Length] : name;
        if (entries.TryGetValue(id, out var exact) && DesktopEntryCatalog.IsLaunchable(exact))
        {
            return exact;
        }

        var launchable = entries.Values.Where(DesktopEntryCatalog.IsLaunchable).OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
        return launchable.FirstOrDefault(e => e.Id.Equals(id, StringComparison.OrdinalIgnoreCase))
            ?? launchable.FirstOrDefault(e => DesktopEntryCatalog.IsVisible(e) && e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private static string TerminalEmulator(string name) =>
        new[] { "x-terminal-emulator", "xterm" }.FirstOrDefault(t => ProgramPath.TryResolveOnPath(t) is not null)
        ?? throw new OpenDeskException($"'{name}' must run in a terminal (Terminal=true) but neither x-terminal-emulator nor xterm is installed");

    private static async Task<bool> WaitForExitAsync(IReadOnlyList<int> pids, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + patience;
        while (pids.Any(ProcessTable.IsRunning))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private static string RequireName(string name) =>
        string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("the application name is empty") : name;

    private Dictionary<string, string> LaunchEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        foreach (var (key, value) in _launchEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }
}
