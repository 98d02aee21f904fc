using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Linux.Accessibility;
using OpenDesk.Linux.Apps;
using OpenDesk.Linux.Clipboard;
using OpenDesk.Linux.Display;
using OpenDesk.Linux.Files;
using OpenDesk.Linux.Input;
using OpenDesk.Linux.Processes;
using OpenDesk.Linux.SystemServices;
using OpenDesk.Linux.Windows;
using OpenDesk.Protocol;

namespace OpenDesk.Linux;

/// <summary>
/// The desktop of this Linux machine over X11: screen capture (MIT-SHM), XTest input, EWMH windows, a real
/// clipboard selection owner, plus processes, files and desktop apps. What is advertised is probed at
/// start: an X extension or tool that is missing leaves its capability out, and its methods answer
/// <c>capability_unsupported</c>.
/// </summary>
public sealed class LinuxComputer : UnsupportedComputer, IDisposable
{
    /// <summary>Streams default to JPEG: PNG cannot keep up with 30 fps at 1080p on one core.</summary>
    public const string StreamFormat = PixmapFormat.Jpeg;

    private readonly X11Screen _screen;
    private readonly X11Input? _input;
    private readonly EwmhWindows? _windows;
    private readonly X11Clipboard? _clipboard;
    private readonly ProcessRunner _processes = new();
    private readonly FileSystem _files = new();
    private readonly DesktopApps _apps;
    private readonly PowerLock _lock;
    private readonly AtSpiAccessibility? _accessibility;
    private readonly List<string> _capabilities;

    private LinuxComputer(X11Screen screen, X11Input? input, EwmhWindows? windows, X11Clipboard? clipboard, AtSpiAccessibility? accessibility, string? displayName, ILogger logger)
    {
        _screen = screen;
        _input = input;
        _windows = windows;
        _clipboard = clipboard;
        _accessibility = accessibility;
        // A virtual display is set in this process's managed environment only; apps must be told explicitly.
        var launchEnvironment = (displayName ?? Environment.GetEnvironmentVariable("DISPLAY")) is { Length: > 0 } display
            ? new Dictionary<string, string> { ["DISPLAY"] = display }
            : null;
        _apps = new DesktopApps(windows is null ? null : new WindowFocus(windows), null, launchEnvironment);
        _lock = new PowerLock(_processes);
        _capabilities =
        [
            Capabilities.DisplayCapture, Capabilities.DisplayStream,
            Capabilities.FsRead, Capabilities.FsWrite,
            Capabilities.ProcessList, Capabilities.ProcessShell, Capabilities.ProcessSpawn,
            Capabilities.AppLifecycle,
        ];
        if (screen.Displays().Count > 1)
        {
            _capabilities.Add(Capabilities.DisplayMultiMonitor);
        }

        if (input is not null)
        {
            _capabilities.AddRange([Capabilities.InputPointer, Capabilities.InputKeyboard, Capabilities.InputText]);
        }

        if (windows is not null)
        {
            _capabilities.AddRange([Capabilities.WindowsList, Capabilities.WindowsManipulate]);
        }

        if (clipboard is not null)
        {
            _capabilities.AddRange([Capabilities.ClipboardRead, Capabilities.ClipboardWrite]);
        }

        if (_lock.CanLock)
        {
            _capabilities.Add(Capabilities.PowerLock);
        }

        if (accessibility is not null)
        {
            _capabilities.AddRange([Capabilities.UiTree, Capabilities.UiActions]);
        }

        logger.LogInformation("X11 desktop on {Display}: {Capabilities}", displayName ?? Environment.GetEnvironmentVariable("DISPLAY"), string.Join(", ", _capabilities.Order(StringComparer.Ordinal)));
    }

    public override string Backend => "local/linux";

    protected override IEnumerable<string> SupportedCapabilities => _capabilities;

    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits =>
        new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            [Capabilities.DisplayStream] = new Dictionary<string, object?> { ["max_fps"] = 30L },
        };

    /// <summary>
    /// Raised once, with the display name, when the connection to the X server is lost. Xlib ends the process
    /// right after this returns, so a host uses it to clean up (remove its admin socket) before that.
    /// </summary>
    public static event Action<string>? DisplayConnectionLost
    {
        add => X11.XErrorTrap.ConnectionLost += value;
        remove => X11.XErrorTrap.ConnectionLost -= value;
    }

    /// <summary>
    /// Connects to the X server <paramref name="displayName"/> (default <c>$DISPLAY</c>) and probes what it
    /// offers. Throws <see cref="OpenDeskException"/> when there is no usable X display at all.
    /// </summary>
    public static LinuxComputer Open(ILogger logger, string? displayName = null)
    {
        var screen = new X11Screen(displayName);
        var input = Probe(logger, "XTest input", () => X11Input.Open(displayName));
        var windows = Probe(logger, "EWMH windows", () => EwmhWindows.Open(displayName));
        var clipboard = Probe(logger, "clipboard", () => X11Clipboard.Open(displayName));
        var accessibility = AtSpiAccessibility.TryOpen(displayName, windows, logger);
        return new LinuxComputer(screen, input, windows, clipboard, accessibility, displayName, logger);
    }

    public override Task<IReadOnlyList<OpenDesk.Computer.Display>> DisplaysAsync(CancellationToken cancellationToken = default) => Task.FromResult(_screen.Displays());

    public override Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default) =>
        Task.Run(() => _screen.Capture(displayId, region, downscale, format ?? PixmapFormat.Png, quality ?? ImageEncoder.DefaultQuality, cursor), cancellationToken);

    public override Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) => Task.FromResult(_screen.CursorPosition());

    public override async IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var frame in _screen.Subscribe(displayId, fps, region, StreamFormat, ImageEncoder.DefaultQuality, cancellationToken).ConfigureAwait(false))
        {
            yield return frame;
        }
    }

    public override Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default)
    {
        Required(_input, Capabilities.InputPointer).Pointer(pointerEvent);
        return Task.CompletedTask;
    }

    public override Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default)
    {
        Required(_input, Capabilities.InputKeyboard).Key(keyEvent);
        return Task.CompletedTask;
    }

    public override Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default) =>
        Required(_input, Capabilities.InputText).TextAsync(textInput, cancellationToken);

    public override Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Required(_windows, Capabilities.WindowsList).List());

    public override Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Required(_windows, Capabilities.WindowsList).Focused());

    public override Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default) =>
        Required(_windows, Capabilities.WindowsManipulate).FocusAsync(windowId, cancellationToken);

    public override Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default) =>
        Required(_windows, Capabilities.WindowsManipulate).MoveAsync(windowId, bounds, cancellationToken);

    public override Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default)
    {
        Required(_windows, Capabilities.WindowsManipulate).Close(windowId);
        return Task.CompletedTask;
    }

    public override Task OpenAppAsync(string name, CancellationToken cancellationToken = default) => _apps.OpenAppAsync(name, cancellationToken);

    public override Task CloseAppAsync(string name, CancellationToken cancellationToken = default) => _apps.CloseAppAsync(name, cancellationToken);

    public override Task FocusAppAsync(string name, CancellationToken cancellationToken = default) => _apps.FocusAppAsync(name, cancellationToken);

    public override Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) => _apps.ListAppsAsync(cancellationToken);

    public override Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) =>
        Required(_accessibility, Capabilities.UiTree).TreeAsync(windowId, app, maxDepth, cancellationToken);

    public override Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default) =>
        Required(_accessibility, Capabilities.UiActions).ActAsync(element, action, app, cancellationToken);

    public override Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default) =>
        Required(_clipboard, Capabilities.ClipboardRead).ReadClipboardAsync(cancellationToken);

    public override Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default) =>
        Required(_clipboard, Capabilities.ClipboardWrite).WriteClipboardAsync(contents, cancellationToken);

    public override Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => _files.ReadFileAsync(path, cancellationToken);

    public override Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default) => _files.WriteFileAsync(path, data, cancellationToken);

    public override Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) => _files.ListDirectoryAsync(path, cancellationToken);

    public override Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) => _files.StatAsync(path, cancellationToken);

    public override Task DeletePathAsync(string path, CancellationToken cancellationToken = default) => _files.DeletePathAsync(path, cancellationToken);

    public override Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default) => _files.MovePathAsync(source, destination, cancellationToken);

    public override Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default) => _files.CreateDirectoryAsync(path, parents, cancellationToken);

    public override Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) => _processes.ListProcessesAsync(cancellationToken);

    public override Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default) =>
        _processes.ShellAsync(command, timeout, cwd, env, cancellationToken);

    public override Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default) =>
        _processes.ExecAsync(argv, timeout, cwd, env, stdin, cancellationToken);

    public override Task LockAsync(CancellationToken cancellationToken = default) =>
        _lock.CanLock ? _lock.LockAsync(cancellationToken) : throw Unsupported(Capabilities.PowerLock);

    public void Dispose()
    {
        _accessibility?.Dispose();
        _clipboard?.Dispose();
        _windows?.Dispose();
        _input?.Dispose();
        _screen.Dispose();
    }

    private T Required<T>(T? service, string capability) where T : class => service ?? throw Unsupported(capability);

    private static T? Probe<T>(ILogger logger, string what, Func<T> open) where T : class
    {
        try
        {
            return open();
        }
        catch (OpenDeskException ex)
        {
            logger.LogWarning("{What} unavailable on this X server: {Reason}", what, ex.Message);
            return null;
        }
    }

    private sealed class WindowFocus(EwmhWindows windows) : IAppWindowFocus
    {
        public bool FocusFirstWindowOf(IReadOnlyCollection<int> pids, string name)
        {
            var window = windows.List().FirstOrDefault(w => w.Pid is { } pid && pids.Contains(pid))
                ?? windows.ForApp(name).FirstOrDefault();
            if (window is null)
            {
                return false;
            }

            windows.FocusAsync(window.Id).GetAwaiter().GetResult();
            return true;
        }
    }
}
