using System.Collections.ObjectModel;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// The base for backends: every method fails with <see cref="CapabilityUnsupportedException"/> naming the
/// capability of the method table (spec §16) and <see cref="Backend"/>, so a backend overrides exactly what
/// it really implements and advertises it in <see cref="SupportedCapabilities"/>. Two methods work out of the
/// box because every server can answer them: <see cref="CapabilitiesAsync"/> and <see cref="EnvironmentAsync"/>.
/// </summary>
public abstract class UnsupportedComputer : IComputer
{
    private CapabilityManifest? _manifest;

    /// <summary>The manifest's backend string, e.g. <c>local/linux</c>; also named in capability errors.</summary>
    public abstract string Backend { get; }

    /// <summary>
    /// Built once from <see cref="Backend"/>, <see cref="SupportedCapabilities"/> and <see cref="Limits"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A supported capability is not a spec §18 value; upstream clients would discard the whole manifest.</exception>
    public virtual CapabilityManifest Manifest => _manifest ??= BuildManifest();

    /// <summary>The capabilities the subclass implements (spec §18 strings). Default: none.</summary>
    protected virtual IEnumerable<string> SupportedCapabilities => [];

    /// <summary>Per-capability limits for the manifest, e.g. <c>{"display.stream": {"max_fps": 30}}</c>. Default: none.</summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits =>
        ReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>.Empty;

    public virtual Task<CapabilityManifest> CapabilitiesAsync(CancellationToken cancellationToken = default) => Task.FromResult(Manifest);

    /// <summary>The real values of this machine; displays come from <see cref="EnvironmentDisplaysAsync"/>.</summary>
    public virtual async Task<EnvironmentInfo> EnvironmentAsync(CancellationToken cancellationToken = default)
    {
        var displays = await EnvironmentDisplaysAsync(cancellationToken).ConfigureAwait(false);
        return new EnvironmentInfo(HostEnvironment.OsName)
        {
            OsVersion = HostEnvironment.OsVersion(),
            Hostname = HostEnvironment.Hostname(),
            Locale = HostEnvironment.Locale(),
            Timezone = HostEnvironment.Timezone(),
            Displays = displays,
        };
    }

    public virtual Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<Display>>(Capabilities.DisplayCapture);

    public virtual Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default) =>
        Fail<Pixmap>(Capabilities.DisplayCapture);

    public virtual Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) => Fail<Point>(Capabilities.DisplayCapture);

    public virtual Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default) => Fail(Capabilities.InputPointer);

    public virtual Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default) => Fail(Capabilities.InputKeyboard);

    public virtual Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default) => Fail(Capabilities.InputText);

    public virtual Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<Window>>(Capabilities.WindowsList);

    public virtual Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default) => Fail<Window?>(Capabilities.WindowsList);

    public virtual Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default) => Fail(Capabilities.WindowsManipulate);

    public virtual Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default) => Fail(Capabilities.WindowsManipulate);

    public virtual Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default) => Fail(Capabilities.WindowsManipulate);

    public virtual Task OpenAppAsync(string name, CancellationToken cancellationToken = default) => Fail(Capabilities.AppLifecycle);

    public virtual Task CloseAppAsync(string name, CancellationToken cancellationToken = default) => Fail(Capabilities.AppLifecycle);

    public virtual Task FocusAppAsync(string name, CancellationToken cancellationToken = default) => Fail(Capabilities.AppLifecycle);

    public virtual Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<string>>(Capabilities.AppLifecycle);

    public virtual Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) =>
        Fail<UIElement>(Capabilities.UiTree);

    public virtual Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default) =>
        Fail(Capabilities.UiActions);

    public virtual Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default) => Fail<ClipboardContents>(Capabilities.ClipboardRead);

    public virtual Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default) => Fail(Capabilities.ClipboardWrite);

    public virtual Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) => Fail<byte[]>(Capabilities.FsRead);

    public virtual Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default) => Fail(Capabilities.FsWrite);

    public virtual Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<FileEntry>>(Capabilities.FsRead);

    public virtual Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) => Fail<FileEntry>(Capabilities.FsRead);

    public virtual Task DeletePathAsync(string path, CancellationToken cancellationToken = default) => Fail(Capabilities.FsWrite);

    public virtual Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default) => Fail(Capabilities.FsWrite);

    public virtual Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default) => Fail(Capabilities.FsWrite);

    public virtual Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<ProcessInfo>>(Capabilities.ProcessList);

    public virtual Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default) =>
        Fail<CompletedCommand>(Capabilities.ProcessShell);

    public virtual Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default) =>
        Fail<CompletedCommand>(Capabilities.ProcessSpawn);

    public virtual Task LockAsync(CancellationToken cancellationToken = default) => Fail(Capabilities.PowerLock);

    public virtual Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default) =>
        Fail<IReadOnlyList<Notification>>(Capabilities.NotificationsList);

    public virtual IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, string? format = null, int? quality = null, CancellationToken cancellationToken = default) =>
        FailStream<DisplayFrame>(Unsupported(Capabilities.DisplayStream));

    // Upstream local backends report input.pointer for input.subscribe (spec §16 'cap' column).
    public virtual IAsyncEnumerable<object> SubscribeInputAsync(CancellationToken cancellationToken = default) =>
        FailStream<object>(Unsupported(Capabilities.InputPointer));

    /// <summary>
    /// The displays reported by <see cref="EnvironmentAsync"/>: those of <see cref="DisplaysAsync"/>, or none when
    /// the backend cannot list them, so the environment still answers and never invents a screen.
    /// </summary>
    protected virtual async Task<IReadOnlyList<Display>> EnvironmentDisplaysAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await DisplaysAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CapabilityUnsupportedException)
        {
            return [];
        }
    }

    /// <summary>The error a method of <paramref name="capability"/> raises on this backend.</summary>
    protected CapabilityUnsupportedException Unsupported(string capability) => ErrorMapping.Unsupported(capability, Backend);

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

    private CapabilityManifest BuildManifest()
    {
        var capabilities = SupportedCapabilities.ToList();
        var unknown = capabilities.Where(c => !Capabilities.IsKnown(c)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"backend {Backend} advertises unknown capabilities: {string.Join(", ", unknown)}");
        }

        return new CapabilityManifest { Capabilities = capabilities, Limits = Limits, Backend = Backend };
    }
}
