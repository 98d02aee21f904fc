using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenDesk.Computer.Modules;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// A computer composed of capability modules (<see cref="IComputerModule"/>): every <see cref="IComputer"/> method
/// goes to the module of its area when that module lists the method's capability (spec §16), and otherwise fails
/// with the standard <c>capability_unsupported</c> error (<see cref="ErrorMapping.Unsupported"/>) naming
/// <see cref="Backend"/>. The manifest is derived from the modules, so it never claims what no module does.
/// </summary>
/// <remarks>
/// <c>system.capabilities</c> and <c>system.environment</c> are answered by the computer itself, as every server
/// must: the environment describes the machine this process runs on (OS, version, hostname, locale, time zone)
/// with the screen module's displays, or none without one. A computer without modules
/// (<see cref="Headless"/>) is the honest computer of a machine with no desktop backend.
/// Disposing the computer disposes its modules, last first.
/// </remarks>
public sealed class ModularComputer : IComputer, IAsyncDisposable, IDisposable
{
    private readonly IReadOnlySet<string> _capabilities;
    private readonly IScreenModule? _screen;
    private readonly IInputModule? _input;
    private readonly IInputStreamModule? _inputStream;
    private readonly IWindowsModule? _windows;
    private readonly IClipboardModule? _clipboard;
    private readonly IFilesModule? _files;
    private readonly IProcessesModule? _processes;
    private readonly IAppsModule? _apps;
    private readonly IAccessibilityModule? _accessibility;
    private readonly IPowerModule? _power;
    private readonly INotificationsModule? _notifications;
    private int _disposed;

    /// <summary>Composes <paramref name="modules"/> into a computer and derives its manifest.</summary>
    /// <param name="backend">The manifest's backend string, e.g. <c>local/linux</c>; also named in capability errors.</param>
    /// <param name="modules">The modules present, at most one per area; a module may serve several areas.</param>
    /// <exception cref="ArgumentException">
    /// Two modules serve the same area, a module serves no area, or a module lists a capability that is not a spec §18
    /// value (upstream clients would discard the whole manifest), lies outside its areas, or has limits it does not list.
    /// </exception>
    public ModularComputer(string backend, IEnumerable<IComputerModule> modules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(backend);
        ArgumentNullException.ThrowIfNull(modules);
        Backend = backend;
        Modules = [.. modules];

        var served = new Dictionary<ModuleArea, IComputerModule>();
        var capabilities = new HashSet<string>(StringComparer.Ordinal);
        var limits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var module in Modules)
        {
            if (module is null)
            {
                throw new ArgumentException("the module list contains null", nameof(modules));
            }

            var areas = ModuleArea.All.Where(area => area.Interface.IsInstanceOfType(module)).ToList();
            if (areas.Count == 0)
            {
                throw new ArgumentException($"{NameOf(module)} serves no area: it implements none of the module interfaces (IScreenModule, IInputModule, …)", nameof(modules));
            }

            foreach (var area in areas)
            {
                if (!served.TryAdd(area, module))
                {
                    throw new ArgumentException($"both {NameOf(served[area])} and {NameOf(module)} serve the {area.Name} area; compose at most one module per area", nameof(modules));
                }
            }

            var listed = (module.Capabilities ?? []).ToHashSet(StringComparer.Ordinal);
            foreach (var capability in listed)
            {
                if (!Capabilities.IsKnown(capability))
                {
                    throw new ArgumentException($"{NameOf(module)} lists '{capability}', which is not a spec §18 capability", nameof(modules));
                }

                if (!areas.Any(area => area.Covers(capability)))
                {
                    throw new ArgumentException(
                        $"{NameOf(module)} lists '{capability}', which is outside its areas ({string.Join(", ", areas.Select(a => a.Name))})", nameof(modules));
                }

                capabilities.Add(capability);
            }

            foreach (var (capability, values) in module.Limits ?? new Dictionary<string, IReadOnlyDictionary<string, object?>>())
            {
                if (!listed.Contains(capability))
                {
                    throw new ArgumentException($"{NameOf(module)} sets limits for '{capability}', which it does not list", nameof(modules));
                }

                limits[capability] = values;
            }
        }

        _capabilities = capabilities;
        _screen = Modules.OfType<IScreenModule>().SingleOrDefault();
        _input = Modules.OfType<IInputModule>().SingleOrDefault();
        _inputStream = Modules.OfType<IInputStreamModule>().SingleOrDefault();
        _windows = Modules.OfType<IWindowsModule>().SingleOrDefault();
        _clipboard = Modules.OfType<IClipboardModule>().SingleOrDefault();
        _files = Modules.OfType<IFilesModule>().SingleOrDefault();
        _processes = Modules.OfType<IProcessesModule>().SingleOrDefault();
        _apps = Modules.OfType<IAppsModule>().SingleOrDefault();
        _accessibility = Modules.OfType<IAccessibilityModule>().SingleOrDefault();
        _power = Modules.OfType<IPowerModule>().SingleOrDefault();
        _notifications = Modules.OfType<INotificationsModule>().SingleOrDefault();
        Manifest = new CapabilityManifest { Capabilities = [.. capabilities], Limits = limits, Backend = backend };
    }

    /// <summary>The manifest's backend string; also named in capability errors.</summary>
    public string Backend { get; }

    /// <summary>The modules, in the order given.</summary>
    public IReadOnlyList<IComputerModule> Modules { get; }

    /// <summary>The capabilities the modules list, their limits, and <see cref="Backend"/>.</summary>
    public CapabilityManifest Manifest { get; }

    /// <summary>
    /// The computer of a machine without a desktop backend: no modules, backend <c>local/{os}</c> (e.g.
    /// <c>local/linux</c>, as upstream local backends name themselves). It answers <c>system.capabilities</c> and
    /// <c>system.environment</c> with this machine's real values, and <c>capability_unsupported</c> to everything else.
    /// </summary>
    public static ModularComputer Headless() => new($"local/{HostEnvironment.OsName}", []);

    public Task<CapabilityManifest> CapabilitiesAsync(CancellationToken cancellationToken = default) => Task.FromResult(Manifest);

    public async Task<EnvironmentInfo> EnvironmentAsync(CancellationToken cancellationToken = default)
    {
        var displays = Serving(_screen, Capabilities.DisplayCapture) is { } screen
            ? await screen.DisplaysAsync(cancellationToken).ConfigureAwait(false)
            : [];
        return new EnvironmentInfo(HostEnvironment.OsName)
        {
            OsVersion = HostEnvironment.OsVersion(),
            Hostname = HostEnvironment.Hostname(),
            Locale = HostEnvironment.Locale(),
            Timezone = HostEnvironment.Timezone(),
            Displays = displays,
        };
    }

    public Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
        Serving(_screen, Capabilities.DisplayCapture)?.DisplaysAsync(cancellationToken) ?? Fail<IReadOnlyList<Display>>(Capabilities.DisplayCapture);

    public Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default) =>
        Serving(_screen, Capabilities.DisplayCapture)?.CaptureAsync(displayId, region, downscale, format, quality, cursor, cancellationToken) ?? Fail<Pixmap>(Capabilities.DisplayCapture);

    public Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) =>
        Serving(_screen, Capabilities.DisplayCapture)?.CursorPositionAsync(cancellationToken) ?? Fail<Point>(Capabilities.DisplayCapture);

    public IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, string? format = null, int? quality = null, CancellationToken cancellationToken = default) =>
        Serving(_screen, Capabilities.DisplayStream)?.SubscribeDisplayAsync(displayId, fps, region, format, quality, cancellationToken)
        ?? FailStream<DisplayFrame>(Unsupported(Capabilities.DisplayStream));

    public Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default) =>
        Serving(_input, Capabilities.InputPointer)?.PointerAsync(pointerEvent, cancellationToken) ?? Fail(Capabilities.InputPointer);

    public Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default) =>
        Serving(_input, Capabilities.InputKeyboard)?.KeyAsync(keyEvent, cancellationToken) ?? Fail(Capabilities.InputKeyboard);

    public Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default) =>
        Serving(_input, Capabilities.InputText)?.TextAsync(textInput, cancellationToken) ?? Fail(Capabilities.InputText);

    // Upstream local backends report input.pointer for input.subscribe (spec §16 'cap' column).
    public IAsyncEnumerable<object> SubscribeInputAsync(CancellationToken cancellationToken = default) =>
        _inputStream?.SubscribeInputAsync(cancellationToken) ?? FailStream<object>(Unsupported(Capabilities.InputPointer));

    public Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default) =>
        Serving(_windows, Capabilities.WindowsList)?.ListWindowsAsync(cancellationToken) ?? Fail<IReadOnlyList<Window>>(Capabilities.WindowsList);

    public Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default) =>
        Serving(_windows, Capabilities.WindowsList)?.FocusedWindowAsync(cancellationToken) ?? Fail<Window?>(Capabilities.WindowsList);

    public Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default) =>
        Serving(_windows, Capabilities.WindowsManipulate)?.FocusWindowAsync(windowId, cancellationToken) ?? Fail(Capabilities.WindowsManipulate);

    public Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default) =>
        Serving(_windows, Capabilities.WindowsManipulate)?.MoveWindowAsync(windowId, bounds, cancellationToken) ?? Fail(Capabilities.WindowsManipulate);

    public Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default) =>
        Serving(_windows, Capabilities.WindowsManipulate)?.CloseWindowAsync(windowId, cancellationToken) ?? Fail(Capabilities.WindowsManipulate);

    public Task OpenAppAsync(string name, CancellationToken cancellationToken = default) =>
        Serving(_apps, Capabilities.AppLifecycle)?.OpenAppAsync(name, cancellationToken) ?? Fail(Capabilities.AppLifecycle);

    public Task CloseAppAsync(string name, CancellationToken cancellationToken = default) =>
        Serving(_apps, Capabilities.AppLifecycle)?.CloseAppAsync(name, cancellationToken) ?? Fail(Capabilities.AppLifecycle);

    public Task FocusAppAsync(string name, CancellationToken cancellationToken = default) =>
        Serving(_apps, Capabilities.AppLifecycle)?.FocusAppAsync(name, cancellationToken) ?? Fail(Capabilities.AppLifecycle);

    public Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) =>
        Serving(_apps, Capabilities.AppLifecycle)?.ListAppsAsync(cancellationToken) ?? Fail<IReadOnlyList<string>>(Capabilities.AppLifecycle);

    public Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) =>
        Serving(_accessibility, Capabilities.UiTree)?.UITreeAsync(windowId, app, maxDepth, cancellationToken) ?? Fail<UIElement>(Capabilities.UiTree);

    public Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default) =>
        Serving(_accessibility, Capabilities.UiActions)?.UIActionAsync(element, action, app, cancellationToken) ?? Fail(Capabilities.UiActions);

    public Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default) =>
        Serving(_clipboard, Capabilities.ClipboardRead)?.ReadClipboardAsync(cancellationToken) ?? Fail<ClipboardContents>(Capabilities.ClipboardRead);

    public Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default) =>
        Serving(_clipboard, Capabilities.ClipboardWrite)?.WriteClipboardAsync(contents, cancellationToken) ?? Fail(Capabilities.ClipboardWrite);

    public Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsRead)?.ReadFileAsync(path, cancellationToken) ?? Fail<byte[]>(Capabilities.FsRead);

    public Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsWrite)?.WriteFileAsync(path, data, cancellationToken) ?? Fail(Capabilities.FsWrite);

    public Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsRead)?.ListDirectoryAsync(path, cancellationToken) ?? Fail<IReadOnlyList<FileEntry>>(Capabilities.FsRead);

    public Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsRead)?.StatAsync(path, cancellationToken) ?? Fail<FileEntry>(Capabilities.FsRead);

    public Task DeletePathAsync(string path, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsWrite)?.DeletePathAsync(path, cancellationToken) ?? Fail(Capabilities.FsWrite);

    public Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsWrite)?.MovePathAsync(source, destination, cancellationToken) ?? Fail(Capabilities.FsWrite);

    public Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default) =>
        Serving(_files, Capabilities.FsWrite)?.CreateDirectoryAsync(path, parents, cancellationToken) ?? Fail(Capabilities.FsWrite);

    public Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) =>
        Serving(_processes, Capabilities.ProcessList)?.ListProcessesAsync(cancellationToken) ?? Fail<IReadOnlyList<ProcessInfo>>(Capabilities.ProcessList);

    public Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default) =>
        Serving(_processes, Capabilities.ProcessShell)?.ShellAsync(command, timeout, cwd, env, cancellationToken) ?? Fail<CompletedCommand>(Capabilities.ProcessShell);

    public Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default) =>
        Serving(_processes, Capabilities.ProcessSpawn)?.ExecAsync(argv, timeout, cwd, env, stdin, cancellationToken) ?? Fail<CompletedCommand>(Capabilities.ProcessSpawn);

    public Task LockAsync(CancellationToken cancellationToken = default) =>
        Serving(_power, Capabilities.PowerLock)?.LockAsync(cancellationToken) ?? Fail(Capabilities.PowerLock);

    public Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default) =>
        Serving(_notifications, Capabilities.NotificationsList)?.ListNotificationsAsync(cancellationToken) ?? Fail<IReadOnlyList<Notification>>(Capabilities.NotificationsList);

    /// <summary>Disposes the modules that are disposable, last first; a failure does not stop the others.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        List<Exception>? failures = null;
        for (var i = Modules.Count - 1; i >= 0; i--)
        {
            try
            {
                switch (Modules[i])
                {
                    case IAsyncDisposable asyncDisposable:
                        await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        ThrowIfAny(failures);
    }

    /// <summary>Disposes the modules that are disposable, last first; a failure does not stop the others.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        List<Exception>? failures = null;
        for (var i = Modules.Count - 1; i >= 0; i--)
        {
            try
            {
                switch (Modules[i])
                {
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                    case IAsyncDisposable asyncDisposable:
                        asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                        break;
                }
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        ThrowIfAny(failures);
    }

    private static void ThrowIfAny(List<Exception>? failures)
    {
        if (failures is [var only])
        {
            ExceptionDispatchInfo.Throw(only);
        }

        if (failures is not null)
        {
            throw new AggregateException("disposing the modules failed", failures);
        }
    }

    /// <summary>The module of an area when it lists <paramref name="capability"/>, else null.</summary>
    private T? Serving<T>(T? module, string capability) where T : class, IComputerModule =>
        module is not null && _capabilities.Contains(capability) ? module : null;

    private CapabilityUnsupportedException Unsupported(string capability) => ErrorMapping.Unsupported(capability, Backend);

    private Task Fail(string capability) => Task.FromException(Unsupported(capability));

    private Task<T> Fail<T>(string capability) => Task.FromException<T>(Unsupported(capability));

    // The error surfaces on the first MoveNextAsync, like any stream failure, not when the stream is created.
    private static async IAsyncEnumerable<T> FailStream<T>(Exception error, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        ExceptionDispatchInfo.Throw(error);
        yield break;
    }

    private static string NameOf(IComputerModule module) => module.GetType().Name;
}
