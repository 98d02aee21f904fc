namespace OpenDesk.Computer;

/// <summary>
/// A desktop as an API: one method per wire method of the opendesk protocol (spec §16). Local backends
/// implement it to serve a machine; a remote client implements it to drive one. Methods a backend cannot
/// perform fail with <see cref="CapabilityUnsupportedException"/> naming the capability from the method table.
/// Coordinates are logical pixels throughout.
/// </summary>
public interface IComputer
{
    /// <summary>What this computer supports. For a remote computer this is the manifest cached from HELLO.</summary>
    CapabilityManifest Manifest { get; }

    /// <summary><c>system.capabilities</c>: the backend's manifest, fetched anew for a remote computer.</summary>
    Task<CapabilityManifest> CapabilitiesAsync(CancellationToken cancellationToken = default);

    /// <summary><c>system.environment</c>: OS, version, hostname, locale, time zone and displays.</summary>
    Task<EnvironmentInfo> EnvironmentAsync(CancellationToken cancellationToken = default);

    /// <summary><c>display.displays</c>: every monitor.</summary>
    Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default);

    /// <summary><c>display.capture</c>: a screenshot.</summary>
    /// <param name="displayId">The display to capture; null means the primary display.</param>
    /// <param name="region">A part of the display in logical pixels; null means all of it.</param>
    /// <param name="downscale">Let the backend shrink large captures (upstream caps the width at 1920 px); the logical size still reports the true screen.</param>
    /// <param name="format">
    /// An opendesk .NET extension, sent as the <c>format</c> param: one of <see cref="PixmapFormat"/>; null means
    /// png. Other implementations ignore the param and send png.
    /// </param>
    /// <param name="quality">
    /// An opendesk .NET extension, sent as the <c>quality</c> param: 0–100 for the lossy formats (jpeg, webp);
    /// null means the backend's default. Other implementations ignore it.
    /// </param>
    /// <param name="cursor">
    /// An opendesk .NET extension, sent as the <c>cursor</c> param only when true: draw the mouse pointer into the
    /// image. Other implementations ignore it.
    /// </param>
    /// <param name="cancellationToken">Aborts the capture.</param>
    Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default);

    /// <summary><c>display.cursor_position</c>: where the pointer is.</summary>
    Task<Point> CursorPositionAsync(CancellationToken cancellationToken = default);

    /// <summary><c>input.pointer</c>: one pointer event.</summary>
    Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default);

    /// <summary><c>input.key</c>: one key event.</summary>
    Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken = default);

    /// <summary><c>input.text</c>: types text, by synthesised keys, pasting or an input method as the backend chooses.</summary>
    Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default);

    /// <summary><c>windows.list</c>: the top-level windows.</summary>
    Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken = default);

    /// <summary><c>windows.focused</c>: the focused window, or null when none is.</summary>
    Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default);

    /// <summary><c>windows.focus</c>: raises and focuses a window.</summary>
    Task FocusWindowAsync(string windowId, CancellationToken cancellationToken = default);

    /// <summary><c>windows.move</c>: moves and resizes a window to <paramref name="bounds"/> (logical pixels).</summary>
    Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default);

    /// <summary><c>windows.close</c>: asks a window to close.</summary>
    Task CloseWindowAsync(string windowId, CancellationToken cancellationToken = default);

    /// <summary><c>apps.open</c>: launches an application by name.</summary>
    Task OpenAppAsync(string name, CancellationToken cancellationToken = default);

    /// <summary><c>apps.close</c>: quits an application by name.</summary>
    Task CloseAppAsync(string name, CancellationToken cancellationToken = default);

    /// <summary><c>apps.focus</c>: brings an application to the front.</summary>
    Task FocusAppAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>apps.list</c>: application names <c>apps.open</c> accepts. The spec leaves the set open; the Linux backend
    /// lists the installed desktop entries (ids without <c>.desktop</c>).
    /// </summary>
    Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default);

    /// <summary><c>ui.tree</c>: the accessibility tree of a window, an app, or (with neither) the focused window.</summary>
    Task<UIElement> UITreeAsync(string? windowId = null, string? app = null, int maxDepth = 8, CancellationToken cancellationToken = default);

    /// <summary><c>ui.action</c>: finds the element matching <paramref name="element"/> by role, name and bounds and invokes <paramref name="action"/>.</summary>
    /// <param name="element">The element as returned by <see cref="UITreeAsync"/>; its metadata may carry backend hints.</param>
    /// <param name="action">The action to invoke, e.g. <c>click</c>.</param>
    /// <param name="app">The application to search; null means the focused one.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default);

    /// <summary><c>clipboard.read</c>.</summary>
    Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken = default);

    /// <summary><c>clipboard.write</c>.</summary>
    Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default);

    /// <summary><c>fs.read</c>: a whole file.</summary>
    Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default);

    /// <summary><c>fs.write</c>: replaces a file, creating missing parent directories.</summary>
    Task WriteFileAsync(string path, byte[] data, CancellationToken cancellationToken = default);

    /// <summary><c>fs.list</c>: the entries of a directory.</summary>
    Task<IReadOnlyList<FileEntry>> ListDirectoryAsync(string path, CancellationToken cancellationToken = default);

    /// <summary><c>fs.stat</c>.</summary>
    Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default);

    /// <summary><c>fs.delete</c>: removes a file, or a directory recursively.</summary>
    Task DeletePathAsync(string path, CancellationToken cancellationToken = default);

    /// <summary><c>fs.move</c>: renames or moves a file or directory.</summary>
    Task MovePathAsync(string source, string destination, CancellationToken cancellationToken = default);

    /// <summary><c>fs.mkdir</c>: creates a directory, with its parents when <paramref name="parents"/> is true.</summary>
    Task CreateDirectoryAsync(string path, bool parents = true, CancellationToken cancellationToken = default);

    /// <summary><c>process.list</c>.</summary>
    Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default);

    /// <summary><c>process.shell</c>: runs a command line through the system shell.</summary>
    /// <param name="command">The command line.</param>
    /// <param name="timeout">Seconds; when it expires the process is killed and the call fails with <c>timeout</c>. Null means no limit.</param>
    /// <param name="cwd">Working directory; null means the server's.</param>
    /// <param name="env">Variables merged over the server's environment.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    Task<CompletedCommand> ShellAsync(string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default);

    /// <summary><c>process.exec</c>: runs a program with an argument vector, without a shell.</summary>
    /// <param name="argv">The program and its arguments.</param>
    /// <param name="timeout">Seconds; when it expires the process is killed and the call fails with <c>timeout</c>. Null means no limit.</param>
    /// <param name="cwd">Working directory; null means the server's.</param>
    /// <param name="env">Variables merged over the server's environment.</param>
    /// <param name="stdin">Bytes written to the process's standard input, which is then closed.</param>
    /// <param name="cancellationToken">Aborts the call.</param>
    Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default);

    /// <summary><c>power.lock</c>: locks the screen.</summary>
    Task LockAsync(CancellationToken cancellationToken = default);

    /// <summary><c>notifications.list</c>.</summary>
    Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The <c>display.subscribe</c> stream: frames of a display at up to <paramref name="fps"/> (servers cap it at 30).
    /// An opendesk .NET server sends the first frame at once, then one whenever the screen changed, and at least one a
    /// second while it stays the same, so a client waiting for the next frame is never left waiting.
    /// </summary>
    /// <param name="displayId">The display; null means the primary display.</param>
    /// <param name="fps">Frames per second at most.</param>
    /// <param name="region">A part of the display in logical pixels; null means all of it.</param>
    /// <param name="format">
    /// An opendesk .NET extension, sent as the <c>format</c> param only when set: the frames' image encoding, one of
    /// <see cref="PixmapFormat"/>; null means png, which is what other implementations send.
    /// </param>
    /// <param name="quality">
    /// An opendesk .NET extension, sent as the <c>quality</c> param only when set: 0–100 for the lossy formats;
    /// null means the backend's default.
    /// </param>
    /// <param name="cancellationToken">Ends the stream.</param>
    IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId = null, int fps = 30, Rect? region = null, string? format = null, int? quality = null, CancellationToken cancellationToken = default);

    /// <summary>The <c>input.subscribe</c> stream: each item is a <see cref="PointerEvent"/> or a <see cref="KeyEvent"/>.</summary>
    IAsyncEnumerable<object> SubscribeInputAsync(CancellationToken cancellationToken = default);
}
