namespace OpenDesk.Protocol;

/// <summary>The capability strings of spec §18. Upstream clients drop a manifest holding any other value.</summary>
public static class Capabilities
{
    public const string DisplayCapture = "display.capture";
    public const string DisplayMultiMonitor = "display.multi_monitor";
    public const string DisplayStream = "display.stream";
    public const string InputPointer = "input.pointer";
    public const string InputKeyboard = "input.keyboard";
    public const string InputText = "input.text";
    public const string UiTree = "ui.tree";
    public const string UiActions = "ui.actions";
    public const string WindowsList = "windows.list";
    public const string WindowsManipulate = "windows.manipulate";
    public const string AppLifecycle = "app.lifecycle";
    public const string ClipboardRead = "clipboard.read";
    public const string ClipboardWrite = "clipboard.write";
    public const string FsRead = "fs.read";
    public const string FsWrite = "fs.write";
    public const string ProcessList = "process.list";
    public const string ProcessShell = "process.shell";
    public const string ProcessSpawn = "process.spawn";
    public const string PowerLock = "power.lock";
    public const string NotificationsList = "notifications.list";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        "display.capture", "display.multi_monitor", "display.stream", "input.pointer", "input.keyboard",
        "input.text", "input.pen", "input.touch", "input.ime", "ui.tree", "ui.actions", "ui.subscribe",
        "windows.list", "windows.manipulate", "windows.subscribe", "app.lifecycle", "clipboard.read",
        "clipboard.write", "clipboard.multi_mime", "fs.read", "fs.write", "fs.watch", "process.list",
        "process.shell", "process.spawn", "ocr", "audio.volume", "audio.play", "audio.stream", "power.lock",
        "power.sleep", "notifications.list", "notifications.subscribe",
    };

    public static bool IsKnown(string capability) => All.Contains(capability);
}
