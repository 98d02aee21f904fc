using System.Globalization;
using System.Runtime.CompilerServices;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// Base for backends: every method answers <c>capability_unsupported</c> with the capability of spec §16
/// until a subclass overrides it, so a backend can never silently pretend. <c>system.environment</c> reports
/// real facts about this machine.
/// </summary>
public abstract class UnsupportedComputer : IComputer
{
    private CapabilityManifest? _manifest;

    /// <summary>The backend string of the manifest, e.g. <c>local/linux</c>.</summary>
    public abstract string Backend { get; }

    /// <summary>Capabilities this backend really supports; every one must be backed by an override.</summary>
    protected virtual IEnumerable<string> SupportedCapabilities => [];

    /// <summary>Per-capability limits for the manifest, e.g. <c>display.stream → {max_fps: 30}</c>.</summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits =>
        new Dictionary<string, IReadOnlyDictionary<string, object?>>();

    public CapabilityManifest Manifest => _manifest ??= new CapabilityManifest
    {
        Capabilities = [.. SupportedCapabilities],
        Limits = Limits,
        Backend = Backend,
    };

    public virtual Task<CapabilityManifest> CapabilitiesAsync(CancellationToken cancellationToken = default) => Task.FromResult(Manifest);

    public virtual async Task<EnvironmentInfo> EnvironmentAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<Display> displays;
        try
        {
            displays = await DisplaysAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CapabilityUnsupportedException)
        {
            displays = [];
        }

        return new EnvironmentInfo(OsName())
        {
            OsVersion = OsVersion(),
            Hostname = Environment.MachineName,
            Locale = Locale(),
            Timezone = TimeZoneInfo.Local.Id,
            Displays = displays,
        };
    }

    public virtual Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.DisplayCapture);

    public virtual Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, CancellationToken cancellationToken = default) =>
        throw Unsupported(Capabilities.DisplayCapture);

    public virtual Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.DisplayCapture);

    public virtual Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.InputPointer);

    public virtual Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.InputKeyboard);

    public virtual Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.InputText);

    public virtual Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.WindowsList);

    public virtual Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.WindowsList);

    public virtual Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.WindowsManipulate);

    public virtual Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.WindowsManipulate);

    public virtual Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.WindowsManipulate);

    public virtual Task OpenAppAsync(string name, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.AppLifecycle);

    public virtual Task CloseAppAsync(string name, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.AppLifecycle);

    public virtual Task FocusAppAsync(string name, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.AppLifecycle);

    public virtual Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.AppLifecycle);

    public virtual Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.UiTree);

    public virtual Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.UiActions);

    public virtual Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.ClipboardRead);

    public virtual Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.ClipboardWrite);

    public virtual Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsRead);

    public virtual Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsWrite);

    public virtual Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsRead);

    public virtual Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsRead);

    public virtual Task DeletePathAsync(string path, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsWrite);

    public virtual Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsWrite);

    public virtual Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.FsWrite);

    public virtual Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.ProcessList);

    public virtual Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default) =>
        throw Unsupported(Capabilities.ProcessShell);

    public virtual Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default) =>
        throw Unsupported(Capabilities.ProcessSpawn);

    public virtual Task LockAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.PowerLock);

    public virtual Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default) => throw Unsupported(Capabilities.NotificationsList);

    public virtual IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, CancellationToken cancellationToken = default) =>
        Fail<DisplayFrame>(Unsupported(Capabilities.DisplayStream));

    public virtual IAsyncEnumerable<object> SubscribeInputAsync(CancellationToken cancellationToken = default) => Fail<object>(Unsupported(Capabilities.InputPointer));

    /// <summary>The standard error for a capability this backend lacks.</summary>
    protected CapabilityUnsupportedException Unsupported(string capability) => ErrorMapping.Unsupported(capability, Backend);

    /// <summary>The OS name as Python's <c>platform.system().lower()</c> gives it.</summary>
    internal static string OsName() =>
        OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : Environment.OSVersion.Platform.ToString().ToLowerInvariant();

    private static string OsVersion()
    {
        if (OperatingSystem.IsLinux() && File.Exists("/etc/os-release"))
        {
            foreach (var key in new[] { "PRETTY_NAME=", "VERSION=" })
            {
                var line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[key.Length..].Trim('"');
                }
            }
        }

        return Environment.OSVersion.VersionString;
    }

    private static string Locale()
    {
        var lang = Environment.GetEnvironmentVariable("LC_ALL") is { Length: > 0 } all ? all : Environment.GetEnvironmentVariable("LANG") ?? "";
        var withoutEncoding = lang.Split('.', 2)[0];
        return withoutEncoding is "C" or "POSIX" ? "" : withoutEncoding.Length > 0 ? withoutEncoding : CultureInfo.CurrentCulture.Name.Replace('-', '_');
    }

    private static async IAsyncEnumerable<T> Fail<T>(Exception error)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        throw error;
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }
}
