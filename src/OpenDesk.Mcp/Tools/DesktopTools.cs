using System.Globalization;
using System.Text;
using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>windows</c>, <c>apps</c> and <c>clipboard</c>: the desktop's windows, applications and clipboard.</summary>
internal static class DesktopTools
{
    private static readonly (string Name, string Method)[] WindowActions =
    [
        ("list", Methods.WindowsList), ("focused", Methods.WindowsFocused), ("focus", Methods.WindowsFocus), ("move", Methods.WindowsMove), ("close", Methods.WindowsClose),
    ];

    private static readonly ToolParameter WindowId = ToolParameter.FromMethod(Methods.WindowsFocus, "window_id");

    private static readonly ToolParameter Bounds = ToolParameter.FromMethod(Methods.WindowsMove, "bounds");

    private static readonly (string Name, string Method)[] AppActions =
    [
        ("list", Methods.AppsList), ("open", Methods.AppsOpen), ("focus", Methods.AppsFocus), ("close", Methods.AppsClose),
    ];

    private static readonly ToolParameter AppName = ToolParameter.FromMethod(Methods.AppsOpen, "name");

    private static readonly (string Name, string Method)[] ClipboardActions = [("read", Methods.ClipboardRead), ("write", Methods.ClipboardWrite)];

    private static readonly ToolParameter ClipboardText = new("text", ToolValueKind.String, "For write: the text to put on the clipboard.");

    public static ToolDefinition Windows { get; } = new()
    {
        Name = "windows",
        Title = "Windows",
        Description = "List the desk's top-level windows (ids, titles, apps, bounds in logical pixels), or focus, move and resize, or close one by id.",
        Methods = [.. WindowActions.Select(a => a.Method)],
        Parameters = [Common.Actions(WindowActions), WindowId, Bounds, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunWindowsAsync,
    };

    public static ToolDefinition Apps { get; } = new()
    {
        Name = "apps",
        Title = "Applications",
        Description = "List the applications the desk can open, or open, focus or quit one by name.",
        Methods = [.. AppActions.Select(a => a.Method)],
        Parameters = [Common.Actions(AppActions), AppName, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunAppsAsync,
    };

    public static ToolDefinition Clipboard { get; } = new()
    {
        Name = "clipboard",
        Title = "Clipboard",
        Description = "Read the desk's clipboard as text, or put text on it.",
        Methods = [.. ClipboardActions.Select(a => a.Method)],
        Parameters = [Common.Actions(ClipboardActions), ClipboardText, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunClipboardAsync,
    };

    private static async Task<ToolOutput> RunWindowsAsync(ToolCall call)
    {
        var args = call.Args;
        var action = args.String("action")!;
        var computer = call.On(Common.MethodOf(WindowActions, action));
        var ct = call.CancellationToken;
        switch (action)
        {
            case "list":
                var windows = await computer.ListWindowsAsync(ct).ConfigureAwait(false);
                if (windows.Count == 0)
                {
                    return ToolOutput.Text($"{call.Where} shows no windows.");
                }

                var list = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{windows.Count} windows on {call.Where} (id: \"title\" app, bounds in logical pixels):");
                foreach (var window in windows)
                {
                    list.Append('\n').Append(Describe(window));
                }

                return ToolOutput.Text(list.ToString());
            case "focused":
                var focused = await computer.FocusedWindowAsync(ct).ConfigureAwait(false);
                return ToolOutput.Text(focused is null ? $"No window has the focus on {call.Where}." : $"Focused on {call.Where}: {Describe(focused)}");
            case "move":
                var id = args.RequiredString(WindowId.Name, "to move a window");
                var bounds = args.Rect(Bounds.Name) ?? throw args.Invalid("move needs bounds {x, y, width, height} in logical pixels");
                await computer.MoveWindowAsync(id, bounds, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Moved window {id} on {call.Where} to {Common.Rect(bounds)}.");
            default:
                var target = args.RequiredString(WindowId.Name, $"to {action} a window");
                await (action == "focus" ? computer.FocusWindowAsync(target, ct) : computer.CloseWindowAsync(target, ct)).ConfigureAwait(false);
                return ToolOutput.Text(action == "focus" ? $"Focused window {target} on {call.Where}." : $"Asked window {target} on {call.Where} to close.");
        }
    }

    private static async Task<ToolOutput> RunAppsAsync(ToolCall call)
    {
        var args = call.Args;
        var action = args.String("action")!;
        var computer = call.On(Common.MethodOf(AppActions, action));
        var ct = call.CancellationToken;
        if (action == "list")
        {
            var apps = await computer.ListAppsAsync(ct).ConfigureAwait(false);
            return ToolOutput.Text(apps.Count == 0 ? $"{call.Where} lists no applications." : $"{apps.Count} applications on {call.Where}:\n{string.Join('\n', apps)}");
        }

        var name = args.RequiredString(AppName.Name, $"to {action} an application");
        await (action switch
        {
            "open" => computer.OpenAppAsync(name, ct),
            "focus" => computer.FocusAppAsync(name, ct),
            _ => computer.CloseAppAsync(name, ct),
        }).ConfigureAwait(false);
        return ToolOutput.Text(action switch
        {
            "open" => $"Opened {name} on {call.Where}; its window may take a moment to appear.",
            "focus" => $"Brought {name} to the front on {call.Where}.",
            _ => $"Asked {name} to quit on {call.Where}.",
        });
    }

    private static async Task<ToolOutput> RunClipboardAsync(ToolCall call)
    {
        var args = call.Args;
        var action = args.String("action")!;
        var computer = call.On(Common.MethodOf(ClipboardActions, action));
        if (action == "write")
        {
            var text = args.RequiredString(ClipboardText.Name, "to write the clipboard");
            await computer.WriteClipboardAsync(ClipboardContents.FromText(text), call.CancellationToken).ConfigureAwait(false);
            return ToolOutput.Text($"Put {text.Length} characters on the clipboard of {call.Where}.");
        }

        var contents = await computer.ReadClipboardAsync(call.CancellationToken).ConfigureAwait(false);
        var others = contents.Entries.Where(e => !e.IsText).Select(e => $"{e.MimeType} ({Common.Size(e.Data.Length)})").ToList();
        var also = others.Count == 0 ? "" : $"\n(also on the clipboard: {string.Join(", ", others)})";
        return contents.Text is { } clip
            ? ToolOutput.Text($"The clipboard of {call.Where} holds {clip.Length} characters:\n{clip}{also}")
            : ToolOutput.Text($"The clipboard of {call.Where} holds no text.{also}");
    }

    private static string Describe(Window window)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{window.Id}: {Common.Quoted(window.Title)} {window.AppName}");
        if (window.Bounds is { } bounds)
        {
            text.Append(' ').Append(Common.Rect(bounds));
        }

        if (window.Focused)
        {
            text.Append(" [focused]");
        }

        if (window.Minimized)
        {
            text.Append(" [minimized]");
        }

        return text.ToString();
    }
}
