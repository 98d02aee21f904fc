using OpenDesk.Computer;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>keyboard</c>: typing any text, key presses with modifiers, chords and held keys, with the protocol's key names.</summary>
internal static class KeyboardTool
{
    private const int MaxHoldMs = 10_000;

    private static readonly int DefaultIntervalMs = new TextInput("").IntervalMs;

    private static readonly ToolParameter Action = new("action", ToolValueKind.String,
        "type: type text (any Unicode); press: one key with modifiers (key: \"ctrl+s\" works too); hotkey: press keys together and release them in reverse; " +
        "hold: keep keys down for duration_ms; down/up: press or release one key and leave it so.")
    {
        Required = true,
        Choices = ["type", "press", "hotkey", "hold", "down", "up"],
    };

    private static readonly ToolParameter Text = new("text", ToolValueKind.String, "For type: the text, any Unicode; it is typed key by key, never pasted.");

    private static readonly ToolParameter Key = new("key", ToolValueKind.String,
        "For press, down and up: a key name as the protocol spells it (return, escape, tab, space, backspace, delete, up, page_down, home, f5, a, 1 ...), " +
        "or for press a chord such as \"ctrl+shift+t\".");

    private static readonly ToolParameter Keys = new("keys", ToolValueKind.StringList, "For hotkey and hold: the keys in press order, e.g. [\"ctrl\", \"alt\", \"t\"].");

    private static readonly ToolParameter Modifiers = new("modifiers", ToolValueKind.StringList, "For press: modifiers held around the key.")
    {
        Choices = [Modifier.Shift, Modifier.Ctrl, Modifier.Alt, Modifier.Meta, Modifier.Fn, Modifier.CapsLock],
    };

    private static readonly ToolParameter DurationMs = new("duration_ms", ToolValueKind.Integer, "For hold: how long to keep the keys down.")
    {
        Default = 500L,
        Minimum = 0,
        Maximum = MaxHoldMs,
    };

    private static readonly ToolParameter IntervalMs = new("interval_ms", ToolValueKind.Integer, "For type: milliseconds between characters.")
    {
        Default = (long)DefaultIntervalMs,
        Minimum = 0,
        Maximum = 1000,
    };

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "keyboard",
        Title = "Keyboard",
        Description = "Type text or press keys on the desk, into whatever has the keyboard focus there.",
        Methods = [Methods.InputText, Methods.InputKey],
        Parameters = [Action, Text, Key, Keys, Modifiers, DurationMs, IntervalMs, .. Common.ActionTail],
        OnDesk = true,
        RunAsync = RunAsync,
    };

    private static async Task<ToolOutput> RunAsync(ToolCall call)
    {
        var args = call.Args;
        var ct = call.CancellationToken;
        switch (args.String(Action.Name))
        {
            case "type":
                var text = args.RequiredString(Text.Name, "to type");
                await call.On(Methods.InputText).TextAsync(new TextInput(text) { IntervalMs = args.Int(IntervalMs.Name) ?? DefaultIntervalMs }, ct).ConfigureAwait(false);
                return ToolOutput.Text($"Typed {text.Length} characters on {call.Where}.");
            case "press":
                var (key, modifiers) = Chord(args.RequiredString(Key.Name, "for press"), args.Strings(Modifiers.Name) ?? []);
                await PressAsync(call, key, modifiers).ConfigureAwait(false);
                return ToolOutput.Text($"Pressed {string.Join('+', [.. modifiers, key])} on {call.Where}.");
            case "hotkey":
                var chord = RequiredKeys(call, "hotkey");
                await DownAllAsync(call, chord).ConfigureAwait(false);
                await UpAllAsync(call, chord).ConfigureAwait(false);
                return ToolOutput.Text($"Pressed {string.Join('+', chord)} on {call.Where}.");
            case "hold":
                var held = RequiredKeys(call, "hold");
                var duration = args.Int(DurationMs.Name) ?? 500;
                await DownAllAsync(call, held).ConfigureAwait(false);
                try
                {
                    await Task.Delay(duration, ct).ConfigureAwait(false);
                }
                finally
                {
                    // Released even when the call is cancelled: a key left down would keep repeating on the desk.
                    await UpAllAsync(call, held, CancellationToken.None).ConfigureAwait(false);
                }

                return ToolOutput.Text($"Held {string.Join('+', held)} for {duration} ms on {call.Where}.");
            default:
                var action = args.String(Action.Name)!;
                var single = args.RequiredString(Key.Name, $"for {action}");
                await call.On(Methods.InputKey).KeyAsync(new KeyEvent(action, single), ct).ConfigureAwait(false);
                return ToolOutput.Text(action == KeyAction.Down
                    ? $"Pressed {single} down on {call.Where}; it stays down until keyboard action up."
                    : $"Released {single} on {call.Where}.");
        }
    }

    /// <summary>"ctrl+shift+t" is the key t with ctrl and shift; a lone "+" is the plus key.</summary>
    private static (string Key, IReadOnlyList<string> Modifiers) Chord(string key, IReadOnlyList<string> modifiers)
    {
        var parts = key.Length > 1 && key.Contains('+', StringComparison.Ordinal) ? key.Split('+') : [key];
        if (parts.Any(p => p.Length == 0))
        {
            return (key, modifiers);
        }

        return (parts[^1], [.. modifiers, .. parts[..^1].Select(p => p.Trim().ToLowerInvariant()).Where(p => !modifiers.Contains(p))]);
    }

    /// <summary>spec §17 press(): modifiers down, the key down and up with them, modifiers up in reverse.</summary>
    private static async Task PressAsync(ToolCall call, string key, IReadOnlyList<string> modifiers)
    {
        var ct = call.CancellationToken;
        var computer = call.On(Methods.InputKey);
        var pressed = new List<string>();
        try
        {
            foreach (var modifier in modifiers)
            {
                await computer.KeyAsync(new KeyEvent(KeyAction.Down, modifier), ct).ConfigureAwait(false);
                pressed.Add(modifier);
            }

            await computer.KeyAsync(new KeyEvent(KeyAction.Down, key) { Modifiers = modifiers }, ct).ConfigureAwait(false);
            await computer.KeyAsync(new KeyEvent(KeyAction.Up, key) { Modifiers = modifiers }, ct).ConfigureAwait(false);
        }
        finally
        {
            await UpAllAsync(call, pressed, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task DownAllAsync(ToolCall call, IReadOnlyList<string> keys)
    {
        var computer = call.On(Methods.InputKey);
        var pressed = new List<string>();
        try
        {
            foreach (var key in keys)
            {
                await computer.KeyAsync(new KeyEvent(KeyAction.Down, key), call.CancellationToken).ConfigureAwait(false);
                pressed.Add(key);
            }
        }
        catch
        {
            await UpAllAsync(call, pressed, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static Task UpAllAsync(ToolCall call, IReadOnlyList<string> keys) => UpAllAsync(call, keys, call.CancellationToken);

    private static async Task UpAllAsync(ToolCall call, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            try
            {
                await call.Desk.Computer.KeyAsync(new KeyEvent(KeyAction.Up, keys[i]), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken == CancellationToken.None)
            {
                // Releasing after a failure: the first error is the one to report.
            }
        }
    }

    private static IReadOnlyList<string> RequiredKeys(ToolCall call, string action) =>
        call.Args.Strings(Keys.Name) is { Count: > 0 } keys ? keys : throw call.Args.Invalid($"{action} needs keys, e.g. [\"ctrl\", \"c\"]");
}
