using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Protocol;

namespace OpenDesk.Client;

/// <summary>The typed methods: the remote desktop through the same <see cref="IComputer"/> API a backend implements.</summary>
public sealed partial class RemoteComputer : IComputer
{
    private const string ResultError = ErrorCodes.Protocol;

    public async Task<CapabilityManifest> CapabilitiesAsync(CancellationToken cancellationToken = default) =>
        CapabilityManifest.FromMap(await Call(Methods.SystemCapabilities, cancellationToken).ConfigureAwait(false), ResultError);

    public async Task<EnvironmentInfo> EnvironmentAsync(CancellationToken cancellationToken = default) =>
        EnvironmentInfo.FromMap(await Call(Methods.SystemEnvironment, cancellationToken).ConfigureAwait(false), ResultError);

    public async Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
        Items(await Call(Methods.DisplayDisplays, cancellationToken).ConfigureAwait(false), Display.FromMap);

    /// <summary>
    /// Captures a display (the primary when <paramref name="displayId"/> is null) or a region of it, in logical
    /// pixels. <paramref name="format"/> (<c>png</c>, <c>jpeg</c>, <c>webp</c>, <c>raw_rgba</c>, <c>raw_rgb</c>) and
    /// <paramref name="quality"/> are sent only when given, and <paramref name="cursor"/> only when true; servers that do
    /// not know them answer a PNG without the pointer.
    /// </summary>
    public async Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default) =>
        Pixmap.FromMap(await Call(Methods.DisplayCapture, cancellationToken, displayId, region, downscale, format, quality, cursor).ConfigureAwait(false), ResultError);

    public async Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default) =>
        Point.FromMap(await Call(Methods.DisplayCursorPosition, cancellationToken).ConfigureAwait(false), ResultError);

    public Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default) =>
        Send(Methods.InputPointer, cancellationToken, pointerEvent);

    public Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default) =>
        Send(Methods.InputKey, cancellationToken, keyEvent);

    public Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default) =>
        Send(Methods.InputText, cancellationToken, textInput);

    public async Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default) =>
        Items(await Call(Methods.WindowsList, cancellationToken).ConfigureAwait(false), Window.FromMap);

    public async Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default)
    {
        var result = await Call(Methods.WindowsFocused, cancellationToken).ConfigureAwait(false);
        return new ValueReader(result, Methods.WindowsFocused, ResultError).Nullable("window", Window.FromMap);
    }

    public Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default) =>
        Send(Methods.WindowsFocus, cancellationToken, windowId);

    public Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default) =>
        Send(Methods.WindowsMove, cancellationToken, windowId, bounds);

    public Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default) =>
        Send(Methods.WindowsClose, cancellationToken, windowId);

    public Task OpenAppAsync(string name, CancellationToken cancellationToken = default) =>
        Send(Methods.AppsOpen, cancellationToken, name);

    public Task CloseAppAsync(string name, CancellationToken cancellationToken = default) =>
        Send(Methods.AppsClose, cancellationToken, name);

    public Task FocusAppAsync(string name, CancellationToken cancellationToken = default) =>
        Send(Methods.AppsFocus, cancellationToken, name);

    public async Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) =>
        new ValueReader(await Call(Methods.AppsList, cancellationToken).ConfigureAwait(false), Methods.AppsList, ResultError).StringList("items");

    public async Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default) =>
        UIElement.FromMap(await Call(Methods.UITree, cancellationToken, windowId, app, maxDepth).ConfigureAwait(false), ResultError);

    public Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default) =>
        Send(Methods.UIAction, cancellationToken, element, action, app);

    public async Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default) =>
        ClipboardContents.FromMap(await Call(Methods.ClipboardRead, cancellationToken).ConfigureAwait(false), ResultError);

    public Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default) =>
        Send(Methods.ClipboardWrite, cancellationToken, contents);

    public async Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default) =>
        new ValueReader(await Call(Methods.FsRead, cancellationToken, path).ConfigureAwait(false), Methods.FsRead, ResultError).RequiredBytes("data");

    public Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default) =>
        Send(Methods.FsWrite, cancellationToken, path, data);

    public async Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        Items(await Call(Methods.FsList, cancellationToken, path).ConfigureAwait(false), FileEntry.FromMap);

    public async Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) =>
        FileEntry.FromMap(await Call(Methods.FsStat, cancellationToken, path).ConfigureAwait(false), ResultError);

    public Task DeletePathAsync(string path, CancellationToken cancellationToken = default) =>
        Send(Methods.FsDelete, cancellationToken, path);

    public Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        Send(Methods.FsMove, cancellationToken, source, destination);

    public Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default) =>
        Send(Methods.FsMkdir, cancellationToken, path, parents);

    public async Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) =>
        Items(await Call(Methods.ProcessList, cancellationToken).ConfigureAwait(false), ProcessInfo.FromMap);

    public async Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default) =>
        CompletedCommand.FromMap(await Call(Methods.ProcessShell, cancellationToken, command, timeout, cwd, env).ConfigureAwait(false), ResultError);

    public async Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default) =>
        CompletedCommand.FromMap(await Call(Methods.ProcessExec, cancellationToken, argv, timeout, cwd, env, stdin).ConfigureAwait(false), ResultError);

    public Task LockAsync(CancellationToken cancellationToken = default) => Send(Methods.PowerLock, cancellationToken);

    public async Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default) =>
        Items(await Call(Methods.NotificationsList, cancellationToken).ConfigureAwait(false), Notification.FromMap);

    /// <summary>
    /// Frames of a display as it changes, at most <paramref name="fps"/> (capped at 30) per second, encoded as
    /// <paramref name="format"/> (png when null; an upstream server always sends png).
    /// </summary>
    public async IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, string? format = null, int? quality = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var parameters = Methods.Get(Methods.DisplaySubscribe).Arguments(displayId, fps, region, format, quality);
        await foreach (var item in StreamAsync(Methods.DisplaySubscribe, parameters, cancellationToken).ConfigureAwait(false))
        {
            yield return DisplayFrame.FromMap(item, ResultError);
        }
    }

    /// <summary>Input events on the remote machine: <see cref="KeyEvent"/> (maps with a <c>keysym</c>) or <see cref="PointerEvent"/>.</summary>
    public async IAsyncEnumerable<object> SubscribeInputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in StreamAsync(Methods.InputSubscribe, new MsgMap(), cancellationToken).ConfigureAwait(false))
        {
            yield return item.ContainsKey("keysym") ? KeyEvent.FromMap(item, ResultError) : PointerEvent.FromMap(item, ResultError);
        }
    }

    /// <summary>A move, then <paramref name="count"/> presses and releases of <paramref name="button"/>.</summary>
    public async Task ClickAsync(Point point, string button = PointerButton.Left, int count = 1, IReadOnlyList<string>? modifiers = null, CancellationToken cancellationToken = default)
    {
        modifiers ??= [];
        await PointerAsync(new PointerEvent(PointerAction.Move, point) { Modifiers = modifiers }, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < count; i++)
        {
            await PointerAsync(new PointerEvent(PointerAction.Down, point) { Button = button, Modifiers = modifiers }, cancellationToken).ConfigureAwait(false);
            await PointerAsync(new PointerEvent(PointerAction.Up, point) { Button = button, Modifiers = modifiers }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Press at <paramref name="start"/>, move to <paramref name="end"/>, release.</summary>
    public async Task DragAsync(Point start, Point end, string button = PointerButton.Left, CancellationToken cancellationToken = default)
    {
        await PointerAsync(new PointerEvent(PointerAction.Move, start), cancellationToken).ConfigureAwait(false);
        await PointerAsync(new PointerEvent(PointerAction.Down, start) { Button = button }, cancellationToken).ConfigureAwait(false);
        await PointerAsync(new PointerEvent(PointerAction.Move, end) { Button = button }, cancellationToken).ConfigureAwait(false);
        await PointerAsync(new PointerEvent(PointerAction.Up, end) { Button = button }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One scroll event: wheel clicks for wheels, pixels for trackpads.</summary>
    public Task ScrollAsync(Point point, double dx, double dy, CancellationToken cancellationToken = default) =>
        PointerAsync(new PointerEvent(PointerAction.Scroll, point) { Dx = dx, Dy = dy }, cancellationToken);

    /// <summary>Modifiers down, the key down and up, modifiers up in reverse order (spec §17).</summary>
    public async Task PressAsync(string keysym, IReadOnlyList<string>? modifiers = null, CancellationToken cancellationToken = default)
    {
        modifiers ??= [];
        foreach (var modifier in modifiers)
        {
            await KeyAsync(new KeyEvent(KeyAction.Down, modifier), cancellationToken).ConfigureAwait(false);
        }

        await KeyAsync(new KeyEvent(KeyAction.Down, keysym) { Modifiers = modifiers }, cancellationToken).ConfigureAwait(false);
        await KeyAsync(new KeyEvent(KeyAction.Up, keysym) { Modifiers = modifiers }, cancellationToken).ConfigureAwait(false);
        foreach (var modifier in modifiers.Reverse())
        {
            await KeyAsync(new KeyEvent(KeyAction.Up, modifier), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every key down in order, then up in reverse order, e.g. <c>["ctrl", "shift", "t"]</c>.</summary>
    public async Task HotkeyAsync(IReadOnlyList<string> keysyms, CancellationToken cancellationToken = default)
    {
        foreach (var keysym in keysyms)
        {
            await KeyAsync(new KeyEvent(KeyAction.Down, keysym), cancellationToken).ConfigureAwait(false);
        }

        foreach (var keysym in keysyms.Reverse())
        {
            await KeyAsync(new KeyEvent(KeyAction.Up, keysym), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Types Unicode text with about <paramref name="intervalMs"/> between keystrokes.</summary>
    public Task TypeTextAsync(string text, int intervalMs = 20, CancellationToken cancellationToken = default) =>
        TextAsync(new TextInput(text) { IntervalMs = intervalMs }, cancellationToken);

    /// <summary>Calls a method of the table with its params in the table's order, expecting a result.</summary>
    private async Task<MsgMap> Call(string method, CancellationToken cancellationToken, params object?[] arguments) =>
        await InvokeAsync(method, Methods.Get(method).Arguments(arguments), cancellationToken).ConfigureAwait(false)
        ?? throw new ProtocolException(ErrorCodes.Protocol, $"{method} returned no result");

    /// <summary>Calls a method of the table that returns nothing.</summary>
    private Task Send(string method, CancellationToken cancellationToken, params object?[] arguments) =>
        InvokeAsync(method, Methods.Get(method).Arguments(arguments), cancellationToken);

    private static IReadOnlyList<T> Items<T>(MsgMap result, WireDecoder<T> decode) =>
        new ValueReader(result, "result", ResultError).List("items", decode);
}
