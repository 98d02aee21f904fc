using System.CommandLine;
using System.Globalization;
using System.Text;
using OpenDesk.Cli.Json;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Imaging;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// One action on a paired desk per command, for agents with a shell and for scripts: <c>screenshot</c>, <c>click</c>,
/// <c>type</c>, <c>key</c>, <c>windows</c>, <c>run</c>. Each connects, acts, and leaves; each takes <c>--json</c>; a busy
/// desk exits 3 and an eviction 4, so a script can tell "try later" from "broken".
/// </summary>
internal static class ActionCommands
{
    private static readonly string[] ScreenshotFormats = [PixmapFormat.Png, PixmapFormat.Jpeg, PixmapFormat.Webp];

    private static readonly Dictionary<string, string> ModifierNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ctrl"] = Modifier.Ctrl,
        ["control"] = Modifier.Ctrl,
        ["shift"] = Modifier.Shift,
        ["alt"] = Modifier.Alt,
        ["option"] = Modifier.Alt,
        ["meta"] = Modifier.Meta,
        ["super"] = Modifier.Meta,
        ["win"] = Modifier.Meta,
        ["cmd"] = Modifier.Meta,
        ["fn"] = Modifier.Fn,
    };

    // Everyday spellings of keys whose opendesk names differ (spec §17 KeyEvent: normalised names).
    private static readonly Dictionary<string, string> KeyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["enter"] = "return",
        ["esc"] = "escape",
        ["del"] = "delete",
        ["ins"] = "insert",
        ["pgup"] = "page_up",
        ["pageup"] = "page_up",
        ["pgdn"] = "page_down",
        ["pagedown"] = "page_down",
        ["spacebar"] = "space",
        ["bksp"] = "backspace",
    };

    public static IEnumerable<Command> CreateAll() =>
        [CreateScreenshot(), CreateClick(), CreateType(), CreateKey(), CreateWindows(), CreateRun()];

    private static Argument<string> Peer() => new("peer") { Description = "the desk: a peer name, a fingerprint, or ws://host:port#pubkeyhex" };

    private static Command NewCommand(string name, string description, Argument<string> peer)
    {
        var command = new Command(name, description);
        command.Arguments.Add(peer);
        command.Options.Add(Cli.Json);
        return command;
    }

    private static Command CreateScreenshot()
    {
        var peer = Peer();
        var output = new Option<string>("--output", "-o") { Description = "the image file to write", Required = true };
        var format = new Option<string>("--format") { Description = "png, jpeg or webp", DefaultValueFactory = _ => PixmapFormat.Png };
        format.AcceptOnlyFromAmong(ScreenshotFormats);
        var maxWidth = new Option<int?>("--max-width") { Description = "scale the image down to at most this many pixels wide (coordinates stay logical: see logical_width)" }.AtLeast(16);
        var command = NewCommand("screenshot", "Save a screenshot of the desk's primary display", peer);
        command.Options.Add(output);
        command.Options.Add(format);
        command.Options.Add(maxWidth);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(output)!;
            OutputFile.EnsureWritableDirectory(path, "the screenshot");
            var wanted = parse.GetValue(format)!;
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            var pixmap = await remote.CaptureAsync(format: wanted, cancellationToken: ct);
            if (parse.GetValue(maxWidth) is { } limit && pixmap.Width > limit)
            {
                pixmap = ScreenshotScaling.Render(pixmap, null, limit, Math.Max(1, (int)Math.Round((double)pixmap.Height * limit / pixmap.Width)), wanted);
            }

            await OutputFile.WriteAsync(path, pixmap.Data, "the screenshot", ct);
            var shot = new ScreenshotResult(Path.GetFullPath(path), pixmap.Format, pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight);
            if (parse.GetValue(Cli.Json))
            {
                Cli.WriteJson(shot, CliJsonContext.Default.ScreenshotResult);
            }
            else
            {
                Console.WriteLine($"Saved screenshot ({pixmap.Width}x{pixmap.Height} {pixmap.Format}; screen {pixmap.LogicalWidth}x{pixmap.LogicalHeight}) → {path}");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateClick()
    {
        var peer = Peer();
        var x = new Argument<double>("x") { Description = "horizontal position in logical pixels (the screen size a screenshot reports as logical_width)" };
        var y = new Argument<double>("y") { Description = "vertical position in logical pixels" };
        var button = new Option<string>("--button") { Description = "left, right or middle", DefaultValueFactory = _ => PointerButton.Left };
        button.AcceptOnlyFromAmong(PointerButton.Left, PointerButton.Right, PointerButton.Middle);
        var twice = new Option<bool>("--double") { Description = "double-click" };
        var command = NewCommand("click", "Click at a point of the desk's screen", peer);
        command.Arguments.Add(x);
        command.Arguments.Add(y);
        command.Options.Add(button);
        command.Options.Add(twice);
        command.SetAction(async (parse, ct) =>
        {
            var point = new Point(parse.GetValue(x), parse.GetValue(y));
            var which = parse.GetValue(button)!;
            var count = parse.GetValue(twice) ? 2 : 1;
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            await remote.ClickAsync(point, which, count, cancellationToken: ct);
            return Done(parse, new ActionResult("click") { X = point.X, Y = point.Y, Button = which, Count = count },
                $"Clicked {which}{(count == 2 ? " twice" : "")} at ({Number(point.X)}, {Number(point.Y)}).");
        });
        return command;
    }

    private static Command CreateType()
    {
        var peer = Peer();
        var text = new Argument<string>("text") { Description = "the text to type (any Unicode; typed, not pasted)" };
        var command = NewCommand("type", "Type text into the focused window of the desk", peer);
        command.Arguments.Add(text);
        command.SetAction(async (parse, ct) =>
        {
            var value = parse.GetValue(text)!;
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            await remote.TypeTextAsync(value, cancellationToken: ct);
            var characters = value.EnumerateRunes().Count();
            return Done(parse, new ActionResult("type") { Characters = characters }, $"Typed {characters} character{(characters == 1 ? "" : "s")}.");
        });
        return command;
    }

    private static Command CreateKey()
    {
        var peer = Peer();
        var combo = new Argument<string>("combo") { Description = "a key, with modifiers before it joined by +: return, ctrl+c, ctrl+shift+t, alt+f4" };
        var command = NewCommand("key", "Press a key or key combination on the desk", peer);
        command.Arguments.Add(combo);
        command.Validators.Add(result =>
        {
            if (result.GetValue(combo) is { } value && ParseCombo(value).Error is { } error)
            {
                result.AddError(error);
            }
        });
        command.SetAction(async (parse, ct) =>
        {
            var value = parse.GetValue(combo)!;
            var (key, modifiers, _) = ParseCombo(value);
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            await remote.PressAsync(key, modifiers, ct);
            return Done(parse, new ActionResult("key") { Key = key, Modifiers = modifiers }, $"Pressed {string.Join('+', [.. modifiers, key])}.");
        });
        return command;
    }

    private static Command CreateWindows()
    {
        var peer = Peer();
        var command = NewCommand("windows", "List the desk's windows (the focused one marked *)", peer);
        command.SetAction(async (parse, ct) =>
        {
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            var windows = await remote.ListWindowsAsync(ct);
            if (parse.GetValue(Cli.Json))
            {
                Cli.WriteJson(
                    [.. windows.Select(w => new WindowListing(w.Id, w.Title, w.AppName, w.Pid, w.Bounds is { } b ? new Bounds(b.X, b.Y, b.Width, b.Height) : null, w.Focused, w.Minimized, w.Workspace))],
                    CliJsonContext.Default.IReadOnlyListWindowListing);
                return 0;
            }

            if (windows.Count == 0)
            {
                Console.WriteLine("No windows.");
                return 0;
            }

            Console.WriteLine($"  {Cli.Pad("ID", 12)}  {Cli.Pad("APP", 20)}  {Cli.Pad("BOUNDS", 22)}  TITLE");
            foreach (var w in windows)
            {
                var bounds = w.Bounds is { } b ? $"{Number(b.Width)}x{Number(b.Height)}+{Number(b.X)}+{Number(b.Y)}" : "?";
                Console.WriteLine($"{(w.Focused ? "*" : " ")} {Cli.Pad(w.Id, 12)}  {Cli.Pad(w.AppName, 20)}  {Cli.Pad(bounds, 22)}  {w.Title}{(w.Minimized ? "  (minimized)" : "")}");
            }

            return 0;
        });
        return command;
    }

    private static Command CreateRun()
    {
        var peer = Peer();
        var argv = new Argument<string[]>("command") { Description = "the program and its arguments, after --; run without a shell", Arity = ArgumentArity.OneOrMore };
        var timeout = new Option<double?>("--timeout") { Description = "seconds after which the program is killed (exit 1, code timeout)" };
        timeout.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && double.TryParse(result.Tokens[0].Value, CultureInfo.InvariantCulture, out var seconds) && !(seconds > 0 && seconds <= OptionRules.MaxSeconds))
            {
                result.AddError($"--timeout must be a number of seconds greater than 0 and at most {OptionRules.MaxSeconds.ToString(CultureInfo.InvariantCulture)}, got {result.Tokens[0].Value}");
            }
        });
        var command = NewCommand("run", "Run a program on the desk (opendesk run PEER -- CMD ARGS…): prints its output and exits with its exit code", peer);
        command.Arguments.Add(argv);
        command.Options.Add(timeout);
        command.SetAction(async (parse, ct) =>
        {
            await using var remote = await RemoteConnection.ConnectAsync(Cli.HomeOf(parse), parse.GetValue(peer), ct);
            var done = await remote.ExecAsync(parse.GetValue(argv)!, parse.GetValue(timeout), cancellationToken: ct);
            if (parse.GetValue(Cli.Json))
            {
                Cli.WriteJson(new RunResult(done.Returncode, Text(done.Stdout), Text(done.Stderr), done.Duration), CliJsonContext.Default.RunResult);
            }
            else
            {
                // The program's bytes as they are: its output may not be text.
                using (var stdout = Console.OpenStandardOutput())
                {
                    await stdout.WriteAsync(done.Stdout, ct);
                }

                using var stderr = Console.OpenStandardError();
                await stderr.WriteAsync(done.Stderr, ct);
            }

            // Exit statuses are 0–255; a remote status outside that (a Windows code, a negative signal number) is a failure.
            return done.Returncode is >= 0 and <= 255 ? done.Returncode : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>A key combination: modifiers (ctrl, shift, alt, meta…) then one key, joined by <c>+</c>.</summary>
    internal static (string Key, IReadOnlyList<string> Modifiers, string? Error) ParseCombo(string combo)
    {
        var parts = combo.Split('+');
        if (parts.Any(p => p.Length == 0))
        {
            return ("", [], $"key combination {Protocol.PyRepr.Format(combo)} has an empty part; write keys joined by +, e.g. ctrl+shift+t (the + key itself is plus)");
        }

        var modifiers = new List<string>();
        foreach (var part in parts[..^1])
        {
            if (!ModifierNames.TryGetValue(part, out var modifier))
            {
                return ("", [], $"{Protocol.PyRepr.Format(part)} in {Protocol.PyRepr.Format(combo)} is not a modifier; modifiers are ctrl, shift, alt, meta (super) and fn, and the key comes last");
            }

            if (!modifiers.Contains(modifier))
            {
                modifiers.Add(modifier);
            }
        }

        var key = parts[^1];
        key = KeyNames.TryGetValue(key, out var named) ? named : key.Length == 1 ? key : key.ToLowerInvariant();
        return (key, modifiers, null);
    }

    private static int Done(ParseResult parse, ActionResult result, string message)
    {
        if (parse.GetValue(Cli.Json))
        {
            Cli.WriteJson(result, CliJsonContext.Default.ActionResult);
        }
        else
        {
            Console.WriteLine(message);
        }

        return 0;
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
