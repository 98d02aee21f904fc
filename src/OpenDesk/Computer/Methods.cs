using System.Collections.Frozen;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>Whether the console policy auto-approves a method (spec §21) or asks first.</summary>
public enum MethodClass
{
    Observation,
    Action,
}

/// <summary>One row of the method table (spec §16).</summary>
/// <param name="Name">The wire method name.</param>
/// <param name="Class">Observation or action.</param>
/// <param name="Idempotent">Whether a client replays the call once after a reconnect (spec §19.3).</param>
/// <param name="Capability">The capability reported when the backend cannot perform it; null for the two system methods every server serves.</param>
/// <param name="Stream">Whether it is a stream method.</param>
/// <param name="AliasOf">For the doc-only names a server accepts (spec §25), the canonical method.</param>
public sealed record MethodDescriptor(string Name, MethodClass Class, bool Idempotent, string? Capability, bool Stream, string? AliasOf = null);

/// <summary>The wire method names and the facts the server, policy and client need about each (spec §16, §19.3, §21).</summary>
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

    private const MethodClass O = MethodClass.Observation;
    private const MethodClass A = MethodClass.Action;

    /// <summary>Every method and alias by wire name.</summary>
    public static readonly FrozenDictionary<string, MethodDescriptor> All = new MethodDescriptor[]
    {
        new(SystemCapabilities, O, false, null, false),
        new(SystemEnvironment, O, true, null, false),
        new(DisplayDisplays, O, true, Capabilities.DisplayCapture, false),
        new(DisplayCapture, O, true, Capabilities.DisplayCapture, false),
        new(DisplayCursorPosition, O, true, Capabilities.DisplayCapture, false),
        new(InputPointer, A, false, Capabilities.InputPointer, false),
        new(InputKey, A, false, Capabilities.InputKeyboard, false),
        new(InputText, A, false, Capabilities.InputText, false),
        new(WindowsList, O, true, Capabilities.WindowsList, false),
        new(WindowsFocused, O, true, Capabilities.WindowsList, false),
        new(WindowsFocus, A, false, Capabilities.WindowsManipulate, false),
        new(WindowsMove, A, false, Capabilities.WindowsManipulate, false),
        new(WindowsClose, A, false, Capabilities.WindowsManipulate, false),
        new(AppsOpen, A, false, Capabilities.AppLifecycle, false),
        new(AppsClose, A, false, Capabilities.AppLifecycle, false),
        new(AppsFocus, A, false, Capabilities.AppLifecycle, false),
        new(AppsList, O, true, Capabilities.AppLifecycle, false),
        new(UITree, O, true, Capabilities.UiTree, false),
        new(UIAction, A, false, Capabilities.UiActions, false),
        new(ClipboardRead, O, true, Capabilities.ClipboardRead, false),
        new(ClipboardWrite, A, false, Capabilities.ClipboardWrite, false),
        new(FsRead, O, true, Capabilities.FsRead, false),
        new(FsWrite, A, false, Capabilities.FsWrite, false),
        new(FsList, O, true, Capabilities.FsRead, false),
        new(FsStat, O, true, Capabilities.FsRead, false),
        new(FsDelete, A, false, Capabilities.FsWrite, false),
        new(FsMove, A, false, Capabilities.FsWrite, false),
        new(FsMkdir, A, false, Capabilities.FsWrite, false),
        new(ProcessList, O, true, Capabilities.ProcessList, false),
        new(ProcessShell, A, false, Capabilities.ProcessShell, false),
        new(ProcessExec, A, false, Capabilities.ProcessSpawn, false),
        new(PowerLock, A, false, Capabilities.PowerLock, false),
        new(NotificationsList, O, true, Capabilities.NotificationsList, false),
        new(DisplaySubscribe, O, false, Capabilities.DisplayStream, true),
        new(InputSubscribe, O, false, Capabilities.InputPointer, true),

        // The aliases are gated like any name outside the observation set, and not replayed (spec §16, §21).
        new(UIPerformAlias, A, false, Capabilities.UiActions, false, UIAction),
        new(SystemLockAlias, A, false, Capabilities.PowerLock, false, PowerLock),
    }.ToFrozenDictionary(m => m.Name, StringComparer.Ordinal);

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
}
