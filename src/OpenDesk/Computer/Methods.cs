using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// The method table of spec §16, the one definition of every wire method: its name, params, result type, class,
/// replay rule and capability, and how a server runs it against an <see cref="IComputer"/>. The server's
/// dispatcher, the client's typed methods, the approval policy, the audit log and tool front ends all read it;
/// adding a method is one entry here plus its implementation.
/// </summary>
public static class Methods
{
    public const string SystemCapabilities = "system.capabilities";
    public const string SystemEnvironment = "system.environment";
    public const string DisplayDisplays = "display.displays";
    public const string DisplayCapture = "display.capture";
    public const string DisplayCursorPosition = "display.cursor_position";
    public const string InputPointer = "input.pointer";
    public const string InputKey = "input.key";
    public const string InputText = "input.text";
    public const string WindowsList = "windows.list";
    public const string WindowsFocused = "windows.focused";
    public const string WindowsFocus = "windows.focus";
    public const string WindowsMove = "windows.move";
    public const string WindowsClose = "windows.close";
    public const string AppsOpen = "apps.open";
    public const string AppsClose = "apps.close";
    public const string AppsFocus = "apps.focus";
    public const string AppsList = "apps.list";
    public const string UITree = "ui.tree";
    public const string UIAction = "ui.action";
    public const string ClipboardRead = "clipboard.read";
    public const string ClipboardWrite = "clipboard.write";
    public const string FsRead = "fs.read";
    public const string FsWrite = "fs.write";
    public const string FsList = "fs.list";
    public const string FsStat = "fs.stat";
    public const string FsDelete = "fs.delete";
    public const string FsMove = "fs.move";
    public const string FsMkdir = "fs.mkdir";
    public const string ProcessList = "process.list";
    public const string ProcessShell = "process.shell";
    public const string ProcessExec = "process.exec";
    public const string PowerLock = "power.lock";
    public const string NotificationsList = "notifications.list";
    public const string DisplaySubscribe = "display.subscribe";
    public const string InputSubscribe = "input.subscribe";

    /// <summary>Upstream-doc name of <see cref="UIAction"/>; servers accept it, clients never send it.</summary>
    public const string UIPerformAlias = "ui.perform";

    /// <summary>Upstream-doc name of <see cref="PowerLock"/>; servers accept it, clients never send it.</summary>
    public const string SystemLockAlias = "system.lock";

    /// <summary>Servers cap <c>display.subscribe</c> at this many frames per second (spec §16).</summary>
    public const int MaxStreamFps = 30;

    private const MethodClass O = MethodClass.Observation;
    private const MethodClass A = MethodClass.Action;

    private static readonly MethodParameter DisplayId = new("display_id", ParameterType.String, "The display; nil means the primary one.") { Nullable = true };
    private static readonly MethodParameter Region = new("region", ParameterType.Value, "A part of the display in logical pixels; nil means all of it.") { ValueType = typeof(Rect), Nullable = true };
    private static readonly MethodParameter Downscale = new("downscale", ParameterType.Boolean, "Let the server shrink large captures (upstream caps the width at 1920 px).") { Default = true };
    private static readonly MethodParameter Format = new("format", ParameterType.String, "The image encoding; png when not given.") { Choices = PixmapFormat.All.Order(StringComparer.Ordinal).ToArray(), Extension = true };
    private static readonly MethodParameter Quality = new("quality", ParameterType.Integer, "0–100 for jpeg and webp; the server's default when not given.") { Extension = true };
    private static readonly MethodParameter Cursor = new("cursor", ParameterType.Boolean, "Draw the mouse pointer into the image.") { Default = false, Extension = true };
    private static readonly MethodParameter PointerEventParameter = new("event", ParameterType.Value, "The pointer event.") { ValueType = typeof(PointerEvent), Required = true };
    private static readonly MethodParameter KeyEventParameter = new("event", ParameterType.Value, "The key event.") { ValueType = typeof(KeyEvent), Required = true };
    private static readonly MethodParameter TextInputParameter = new("text_input", ParameterType.Value, "The text to type.") { ValueType = typeof(TextInput), Required = true };
    private static readonly MethodParameter WindowId = new("window_id", ParameterType.String, "The window, as windows.list names it.") { Required = true };
    private static readonly MethodParameter Bounds = new("bounds", ParameterType.Value, "The new position and size in logical pixels.") { ValueType = typeof(Rect), Required = true };
    private static readonly MethodParameter AppName = new("name", ParameterType.String, "The application, as apps.list names it.") { Required = true };
    private static readonly MethodParameter TreeWindowId = new("window_id", ParameterType.String, "The window whose tree to read; nil with no app means the focused window.") { Nullable = true };
    private static readonly MethodParameter TreeApp = new("app", ParameterType.String, "The application whose tree to read.") { Nullable = true };
    private static readonly MethodParameter MaxDepth = new("max_depth", ParameterType.Integer, "How many levels below the root to read.") { Default = 8 };
    private static readonly MethodParameter Element = new("element", ParameterType.Value, "The element, as ui.tree returned it; its metadata identifies it.") { ValueType = typeof(UIElement), Required = true };
    private static readonly MethodParameter ElementAction = new("action", ParameterType.String, "The action to invoke, e.g. click, press, toggle, focus, set_value.") { Default = "click" };
    private static readonly MethodParameter ActionApp = new("app", ParameterType.String, "The application to search; nil means the focused one.") { Nullable = true };
    private static readonly MethodParameter Contents = new("contents", ParameterType.Value, "What to put on the clipboard.") { ValueType = typeof(ClipboardContents), Required = true };
    private static readonly MethodParameter Path = new("path", ParameterType.String, "A path on the controlled machine.") { Required = true };
    private static readonly MethodParameter Data = new("data", ParameterType.Bytes, "The file's new contents.") { Required = true };
    private static readonly MethodParameter Source = new("src", ParameterType.String, "The path to move.") { Required = true };
    private static readonly MethodParameter Destination = new("dst", ParameterType.String, "Where to move it.") { Required = true };
    private static readonly MethodParameter Parents = new("parents", ParameterType.Boolean, "Create missing parent directories too.") { Default = true };
    private static readonly MethodParameter Command = new("command", ParameterType.String, "The command line, run by the system shell.") { Required = true };
    private static readonly MethodParameter Argv = new("argv", ParameterType.StringList, "The program and its arguments, run without a shell.") { Required = true };
    private static readonly MethodParameter Timeout = new("timeout", ParameterType.Number, "Seconds after which the process is killed and the call fails with timeout; nil means no limit.") { Nullable = true };
    private static readonly MethodParameter Cwd = new("cwd", ParameterType.String, "The working directory; nil means the server's.") { Nullable = true };
    private static readonly MethodParameter Env = new("env", ParameterType.StringMap, "Variables merged over the server's environment.") { Nullable = true };
    private static readonly MethodParameter Stdin = new("stdin", ParameterType.Bytes, "Bytes written to the process's standard input, which is then closed.") { Nullable = true };
    private static readonly MethodParameter Fps = new("fps", ParameterType.Integer, "Frames per second at most; servers cap it at 30.") { Default = MaxStreamFps };

    /// <summary>Every method and alias by wire name.</summary>
    public static readonly FrozenDictionary<string, MethodDescriptor> All = new MethodDescriptor[]
    {
        Unary(SystemCapabilities, O, null, "What the server's backend supports (its capability manifest).", [], typeof(CapabilityManifest),
            async (c, p, ct) => (await c.CapabilitiesAsync(ct).ConfigureAwait(false)).ToMap()),
        Unary(SystemEnvironment, O, null, "The controlled machine's OS, version, hostname, locale, time zone and displays.", [], typeof(EnvironmentInfo),
            async (c, p, ct) => (await c.EnvironmentAsync(ct).ConfigureAwait(false)).ToMap(), idempotent: true),
        Unary(DisplayDisplays, O, Capabilities.DisplayCapture, "Every monitor, with its bounds in logical pixels.", [], typeof(IReadOnlyList<Display>),
            async (c, p, ct) => Items(await c.DisplaysAsync(ct).ConfigureAwait(false), d => d.ToMap()), idempotent: true),
        Unary(DisplayCapture, O, Capabilities.DisplayCapture, "A screenshot of a display or a region of it.", [DisplayId, Region, Downscale, Format, Quality, Cursor], typeof(Pixmap),
            async (c, p, ct) => (await c.CaptureAsync(
                p.NullableString(DisplayId), p.NullableValue(Region, Rect.FromMap), p.Bool(Downscale), ImageFormat(p), ImageQuality(p), p.Bool(Cursor), ct).ConfigureAwait(false)).ToMap(),
            idempotent: true),
        Unary(DisplayCursorPosition, O, Capabilities.DisplayCapture, "Where the mouse pointer is, in logical pixels.", [], typeof(Point),
            async (c, p, ct) => (await c.CursorPositionAsync(ct).ConfigureAwait(false)).ToMap(), idempotent: true),
        Unary(InputPointer, A, Capabilities.InputPointer, "One pointer event: move, button down or up, or scroll.", [PointerEventParameter], null,
            async (c, p, ct) => await Done(c.PointerAsync(p.Value(PointerEventParameter, PointerEvent.FromMap), ct)).ConfigureAwait(false)),
        Unary(InputKey, A, Capabilities.InputKeyboard, "One key event: down or up.", [KeyEventParameter], null,
            async (c, p, ct) => await Done(c.KeyAsync(p.Value(KeyEventParameter, KeyEvent.FromMap), ct)).ConfigureAwait(false)),
        Unary(InputText, A, Capabilities.InputText, "Types text, any Unicode.", [TextInputParameter], null,
            async (c, p, ct) => await Done(c.TextAsync(p.Value(TextInputParameter, TextInput.FromMap), ct)).ConfigureAwait(false)),
        Unary(WindowsList, O, Capabilities.WindowsList, "The top-level windows.", [], typeof(IReadOnlyList<Window>),
            async (c, p, ct) => Items(await c.ListWindowsAsync(ct).ConfigureAwait(false), w => w.ToMap()), idempotent: true),
        Unary(WindowsFocused, O, Capabilities.WindowsList, "The focused window, or nil.", [], typeof(Window),
            async (c, p, ct) => new MsgMap(1) { ["window"] = (await c.FocusedWindowAsync(ct).ConfigureAwait(false))?.ToMap() }, idempotent: true),
        Unary(WindowsFocus, A, Capabilities.WindowsManipulate, "Raises and focuses a window.", [WindowId], null,
            async (c, p, ct) => await Done(c.FocusWindowAsync(p.String(WindowId), ct)).ConfigureAwait(false)),
        Unary(WindowsMove, A, Capabilities.WindowsManipulate, "Moves and resizes a window.", [WindowId, Bounds], null,
            async (c, p, ct) => await Done(c.MoveWindowAsync(p.String(WindowId), p.Value(Bounds, Rect.FromMap), ct)).ConfigureAwait(false)),
        Unary(WindowsClose, A, Capabilities.WindowsManipulate, "Asks a window to close.", [WindowId], null,
            async (c, p, ct) => await Done(c.CloseWindowAsync(p.String(WindowId), ct)).ConfigureAwait(false), destructive: true),
        Unary(AppsOpen, A, Capabilities.AppLifecycle, "Launches an application by name.", [AppName], null,
            async (c, p, ct) => await Done(c.OpenAppAsync(p.String(AppName), ct)).ConfigureAwait(false)),
        Unary(AppsClose, A, Capabilities.AppLifecycle, "Quits an application by name.", [AppName], null,
            async (c, p, ct) => await Done(c.CloseAppAsync(p.String(AppName), ct)).ConfigureAwait(false), destructive: true),
        Unary(AppsFocus, A, Capabilities.AppLifecycle, "Brings an application to the front.", [AppName], null,
            async (c, p, ct) => await Done(c.FocusAppAsync(p.String(AppName), ct)).ConfigureAwait(false)),
        Unary(AppsList, O, Capabilities.AppLifecycle, "The application names apps.open accepts.", [], typeof(IReadOnlyList<string>),
            async (c, p, ct) => Items(await c.ListAppsAsync(ct).ConfigureAwait(false), name => name), idempotent: true),
        Unary(UITree, O, Capabilities.UiTree, "The accessibility tree of a window or an application.", [TreeWindowId, TreeApp, MaxDepth], typeof(UIElement),
            async (c, p, ct) => (await c.UITreeAsync(p.NullableString(TreeWindowId), p.NullableString(TreeApp), p.Int32(MaxDepth), ct).ConfigureAwait(false)).ToMap(),
            idempotent: true),
        Unary(UIAction, A, Capabilities.UiActions, "Invokes an action on an element of the accessibility tree.", [Element, ElementAction, ActionApp], null,
            async (c, p, ct) => await Done(c.UIActionAsync(p.Value(Element, UIElement.FromMap), p.String(ElementAction), p.NullableString(ActionApp), ct)).ConfigureAwait(false)),
        Unary(ClipboardRead, O, Capabilities.ClipboardRead, "The clipboard's contents.", [], typeof(ClipboardContents),
            async (c, p, ct) => (await c.ReadClipboardAsync(ct).ConfigureAwait(false)).ToMap(), idempotent: true),
        Unary(ClipboardWrite, A, Capabilities.ClipboardWrite, "Replaces the clipboard's contents.", [Contents], null,
            async (c, p, ct) => await Done(c.WriteClipboardAsync(p.Value(Contents, ClipboardToWrite), ct)).ConfigureAwait(false)),
        Unary(FsRead, O, Capabilities.FsRead, "A whole file.", [Path], typeof(byte[]),
            async (c, p, ct) => new MsgMap(1) { ["data"] = await c.ReadFileAsync(p.String(Path), ct).ConfigureAwait(false) }, idempotent: true),
        Unary(FsWrite, A, Capabilities.FsWrite, "Replaces a file, creating missing parent directories.", [Path, Data], null,
            async (c, p, ct) => await Done(c.WriteFileAsync(p.String(Path), p.Bytes(Data), ct)).ConfigureAwait(false), destructive: true),
        Unary(FsList, O, Capabilities.FsRead, "The entries of a directory.", [Path], typeof(IReadOnlyList<FileEntry>),
            async (c, p, ct) => Items(await c.ListDirectoryAsync(p.String(Path), ct).ConfigureAwait(false), e => e.ToMap()), idempotent: true),
        Unary(FsStat, O, Capabilities.FsRead, "What kind of entry a path is, its size, time and mode.", [Path], typeof(FileEntry),
            async (c, p, ct) => (await c.StatAsync(p.String(Path), ct).ConfigureAwait(false)).ToMap(), idempotent: true),
        Unary(FsDelete, A, Capabilities.FsWrite, "Removes a file, or a directory with everything in it.", [Path], null,
            async (c, p, ct) => await Done(c.DeletePathAsync(p.String(Path), ct)).ConfigureAwait(false), destructive: true),
        Unary(FsMove, A, Capabilities.FsWrite, "Renames or moves a file or directory.", [Source, Destination], null,
            async (c, p, ct) => await Done(c.MovePathAsync(p.String(Source), p.String(Destination), ct)).ConfigureAwait(false), destructive: true),
        Unary(FsMkdir, A, Capabilities.FsWrite, "Creates a directory.", [Path, Parents], null,
            async (c, p, ct) => await Done(c.CreateDirectoryAsync(p.String(Path), p.Bool(Parents), ct)).ConfigureAwait(false)),
        Unary(ProcessList, O, Capabilities.ProcessList, "The running processes.", [], typeof(IReadOnlyList<ProcessInfo>),
            async (c, p, ct) => Items(await c.ListProcessesAsync(ct).ConfigureAwait(false), proc => proc.ToMap()), idempotent: true),
        Unary(ProcessShell, A, Capabilities.ProcessShell, "Runs a command line through the system shell and returns its output.", [Command, Timeout, Cwd, Env], typeof(CompletedCommand),
            async (c, p, ct) => (await c.ShellAsync(p.String(Command), p.NullableDouble(Timeout), p.NullableString(Cwd), p.StringMap(Env), ct).ConfigureAwait(false)).ToMap(),
            destructive: true),
        Unary(ProcessExec, A, Capabilities.ProcessSpawn, "Runs a program with arguments, without a shell, and returns its output.", [Argv, Timeout, Cwd, Env, Stdin], typeof(CompletedCommand),
            async (c, p, ct) => (await c.ExecAsync(ProgramArguments(p), p.NullableDouble(Timeout), p.NullableString(Cwd), p.StringMap(Env), p.NullableBytes(Stdin), ct).ConfigureAwait(false)).ToMap(),
            destructive: true),
        Unary(PowerLock, A, Capabilities.PowerLock, "Locks the screen.", [], null,
            async (c, p, ct) => await Done(c.LockAsync(ct)).ConfigureAwait(false)),
        Unary(NotificationsList, O, Capabilities.NotificationsList, "Recent desktop notifications.", [], typeof(IReadOnlyList<Notification>),
            async (c, p, ct) => Items(await c.ListNotificationsAsync(ct).ConfigureAwait(false), n => n.ToMap()), idempotent: true),
        Streaming(DisplaySubscribe, Capabilities.DisplayStream, "Frames of a display: the first at once, then on change, and at least one a second.", [DisplayId, Fps, Region, Format, Quality], typeof(DisplayFrame),
            (c, p, ct) => Encode(
                c.SubscribeDisplayAsync(p.NullableString(DisplayId), Math.Clamp(p.Int32(Fps), 1, MaxStreamFps), p.NullableValue(Region, Rect.FromMap), ImageFormat(p), ImageQuality(p), ct),
                frame => frame.ToMap(),
                ct)),
        Streaming(InputSubscribe, Capabilities.InputPointer, "Pointer and key events on the controlled machine.", [], typeof(object),
            (c, p, ct) => Encode(c.SubscribeInputAsync(ct), InputEvent, ct)),

        // The aliases are gated like any name outside the observation set, and not replayed (spec §16, §21).
        Alias(UIPerformAlias, UIAction, Capabilities.UiActions, "ui.action under its upstream-doc name.", [Element, ElementAction, ActionApp],
            async (c, p, ct) => await Done(c.UIActionAsync(p.Value(Element, UIElement.FromMap), p.String(ElementAction), p.NullableString(ActionApp), ct)).ConfigureAwait(false)),
        Alias(SystemLockAlias, PowerLock, Capabilities.PowerLock, "power.lock under its upstream-doc name.", [],
            async (c, p, ct) => await Done(c.LockAsync(ct)).ConfigureAwait(false)),
    }.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);

    /// <summary>The row of a method or alias, or null for a name the table does not know.</summary>
    public static MethodDescriptor? Find(string method) => All.GetValueOrDefault(method);

    /// <summary>The row of a method this library knows, by name.</summary>
    public static MethodDescriptor Get(string method) =>
        All.TryGetValue(method, out var descriptor) ? descriptor : throw new ArgumentException($"no method {PyRepr.Format(method)} in the table", nameof(method));

    public static bool IsKnown(string method) => All.ContainsKey(method);

    public static bool IsStream(string method) => All.TryGetValue(method, out var m) && m.Stream;

    /// <summary>The client's idempotent set (spec §19.3): replayed once after a successful reconnect.</summary>
    public static bool IsIdempotent(string method) => All.TryGetValue(method, out var m) && m.Idempotent;

    /// <summary>The console policy's observation set (spec §21). Unknown methods and aliases are not in it.</summary>
    public static bool IsObservation(string method) => All.TryGetValue(method, out var m) && m.Class == MethodClass.Observation;

    /// <summary>The capability of a known method, or null for the system methods and unknown names.</summary>
    public static string? CapabilityOf(string method) => All.TryGetValue(method, out var m) ? m.Capability : null;

    /// <summary>The canonical name: the alias target for <c>ui.perform</c>/<c>system.lock</c>, else the name itself.</summary>
    public static string Canonical(string method) => All.TryGetValue(method, out var m) && m.AliasOf is { } target ? target : method;

    private static MethodDescriptor Unary(
        string name,
        MethodClass methodClass,
        string? capability,
        string description,
        MethodParameter[] parameters,
        Type? resultType,
        Func<IComputer, ParamReader, CancellationToken, ValueTask<MsgMap?>> invoke,
        bool idempotent = false,
        bool destructive = false) =>
        new(name, methodClass, capability, description, parameters, resultType, invoke, null) { Idempotent = idempotent, Destructive = destructive };

    private static MethodDescriptor Streaming(
        string name,
        string capability,
        string description,
        MethodParameter[] parameters,
        Type itemType,
        Func<IComputer, ParamReader, CancellationToken, IAsyncEnumerable<MsgMap>> open) =>
        new(name, MethodClass.Observation, capability, description, parameters, itemType, null, open) { Stream = true };

    private static MethodDescriptor Alias(
        string name, string target, string capability, string description, MethodParameter[] parameters, Func<IComputer, ParamReader, CancellationToken, ValueTask<MsgMap?>> invoke) =>
        new(name, MethodClass.Action, capability, description, parameters, null, invoke, null) { AliasOf = target };

    private static async ValueTask<MsgMap?> Done(Task action)
    {
        await action.ConfigureAwait(false);
        return null;
    }

    private static MsgMap Items<T>(IReadOnlyList<T> items, Func<T, object?> encode) => new(1) { ["items"] = Wire.List(items, encode) };

    private static IReadOnlyList<string> ProgramArguments(ParamReader p)
    {
        var argv = p.Strings(Argv);
        return argv.Count == 0 ? throw ParamReader.Error("parameter 'argv' must name a program") : argv;
    }

    // format and quality are this implementation's extension of display.capture and display.subscribe; checking
    // them here keeps every backend from having to.
    private static string? ImageFormat(ParamReader p) =>
        p.NullableString(Format) switch
        {
            null => null,
            var format when PixmapFormat.All.Contains(format) => format,
            var format => throw ParamReader.Error(
                $"parameter 'format' must be one of {string.Join(", ", PixmapFormat.All.Order(StringComparer.Ordinal))}, got {PyRepr.Format(format)}"),
        };

    private static int? ImageQuality(ParamReader p) =>
        p.NullableInt32(Quality) switch
        {
            null => null,
            var quality and >= 0 and <= 100 => quality,
            var quality => throw ParamReader.Error($"parameter 'quality' must be between 0 and 100, got {quality}"),
        };

    // ClipboardContents reads a missing entries key as the empty list (spec §17), and writing that would clear the
    // clipboard: a client sending another shape (the JS SDK sends {"text": …}) is told the expected one instead.
    private static ClipboardContents ClipboardToWrite(MsgMap map, string errorCode, string context) =>
        map.GetValueOrDefault("entries") is not null
            ? ClipboardContents.FromMap(map, errorCode, context)
            : throw new ProtocolException(errorCode,
                $"parameter 'contents' must be a ClipboardContents map {{'entries': [{{'mime_type': str, 'data': bytes}}, ...]}}, got " +
                (map.Count == 0 ? "an empty map" : $"a map with keys {string.Join(", ", map.Keys.Select(k => PyRepr.Format(k)))}"));

    private static MsgMap InputEvent(object item) => item switch
    {
        PointerEvent pointer => pointer.ToMap(),
        KeyEvent key => key.ToMap(),
        _ => throw new InvalidOperationException($"input stream produced a {item.GetType().Name}"),
    };

    private static async IAsyncEnumerable<MsgMap> Encode<T>(IAsyncEnumerable<T> items, Func<T, MsgMap> encode, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return encode(item!);
        }
    }
}
