using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using OpenDesk.Computer;
using OpenDesk.Linux.Input;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Tests.Linux.Windows;
using Xunit.Abstractions;

namespace OpenDesk.Tests.Linux.Input;

/// <summary>XTEST input against real clients under openbox, checked with xdotool, xev and what a terminal writes to a file.</summary>
public sealed partial class X11InputTests : IClassFixture<OpenboxXvfbFixture>, IDisposable
{
    private readonly OpenboxXvfbFixture _x;
    private readonly X11Input _input;
    private readonly string _directory = Directory.CreateTempSubdirectory("opendesk-input-").FullName;

    public X11InputTests(OpenboxXvfbFixture x)
    {
        _x = x;
        _input = X11Input.Open(x.DisplayName);
    }

    public void Dispose()
    {
        _input.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [XvfbFact]
    public void Pointer_move_puts_the_real_pointer_at_the_point()
    {
        foreach (var (x, y) in new[] { (123, 456), (0, 0), (1279, 799), (640.4, 399.6) })
        {
            _input.Pointer(new PointerEvent(PointerAction.Move, new Point(x, y)));
            Assert.Equal(((int)Math.Round(x), (int)Math.Round(y)), X11Observer.PointerLocation(_x));
        }
    }

    [XvfbFact]
    public void Clicking_into_a_terminal_focuses_it()
    {
        var (_, first) = X11Observer.StartXterm(_x, Title("first"), "-geometry", "40x10+20+20");
        var (_, second) = X11Observer.StartXterm(_x, Title("second"), "-geometry", "40x10+600+300");
        _x.Run("xdotool", "windowactivate", "--sync", first.ToString(CultureInfo.InvariantCulture));

        var client = X11Observer.ClientGeometry(_x, second);
        var centre = new Point(client.X + (client.Width / 2), client.Y + (client.Height / 2));
        _input.Pointer(new PointerEvent(PointerAction.Down, centre) { Button = PointerButton.Left });
        _input.Pointer(new PointerEvent(PointerAction.Up, centre) { Button = PointerButton.Left });

        XvfbFixture.WaitUntil(() => X11Observer.ActiveWindow(_x) == second, X11Observer.Deadline, "the clicked terminal to become active");
    }

    [XvfbTheory]
    [InlineData("héllo wörld ✓ Ω ÉÜ! A~\"z\n")]

    // 48 Greek letters against the ~19 keycodes a US layout leaves empty: bindings must be recycled.
    [InlineData("αβγδεζηθικλμνξοπρστυφχψω ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ\n")]
    public async Task Text_types_characters_the_keymap_lacks_into_a_terminal(string text)
    {
        var file = Path.Combine(_directory, "typed.txt");
        var process = StartCat(file);

        await _input.TextAsync(new TextInput(text) { IntervalMs = 0 });
        EndOfFile();

        AssertFileBecomes(file, text);
        X11Observer.WaitForExit(process, "cat after ctrl+d");
    }

    [XvfbFact]
    public async Task Text_waits_the_interval_between_characters()
    {
        var file = Path.Combine(_directory, "slow.txt");
        var process = StartCat(file);

        var stopwatch = Stopwatch.StartNew();
        await _input.TextAsync(new TextInput("abcd\r\n") { IntervalMs = 30 });
        stopwatch.Stop();
        EndOfFile();

        AssertFileBecomes(file, "abcd\n");
        X11Observer.WaitForExit(process, "cat after ctrl+d");
        Assert.True(stopwatch.ElapsedMilliseconds >= 4 * 30, $"typing 5 keys 30 ms apart took only {stopwatch.ElapsedMilliseconds} ms");
    }

    [XvfbFact]
    public async Task Hotkeys_and_modifiers_reach_the_focused_client()
    {
        var file = Path.Combine(_directory, "keys.txt");
        var process = StartCat(file);

        // ctrl+u, sent as spec §17 press() does, makes the terminal's line discipline discard the line so far.
        await _input.TextAsync(new TextInput("junk") { IntervalMs = 0 });
        Key(KeyAction.Down, Modifier.Ctrl);
        Key(KeyAction.Down, "u", Modifier.Ctrl);
        Key(KeyAction.Up, "u", Modifier.Ctrl);
        Key(KeyAction.Up, Modifier.Ctrl);

        // Modifiers listed on the event alone are held around it; a capital letter presses Shift by itself.
        Key(KeyAction.Down, "a", Modifier.Shift);
        Key(KeyAction.Up, "a", Modifier.Shift);
        Key(KeyAction.Down, "B");
        Key(KeyAction.Up, "B");
        Key(KeyAction.Down, "c");
        Key(KeyAction.Up, "c");
        Key(KeyAction.Down, "space");
        Key(KeyAction.Up, "space");
        Key(KeyAction.Down, "ñ");
        Key(KeyAction.Up, "ñ");
        Key(KeyAction.Down, "Return");
        Key(KeyAction.Up, "Return");
        EndOfFile();

        AssertFileBecomes(file, "ABc ñ\n");
        X11Observer.WaitForExit(process, "cat after ctrl+d");
    }

    [XvfbFact]
    public void Scroll_and_modified_clicks_arrive_as_xev_sees_them()
    {
        var log = Path.Combine(_directory, "xev.txt");
        var title = Title("xev");
        _x.Start("sh", "-c", $"exec xev -geometry 300x300+500+100 -name '{title}' -event button > '{log}'");
        var id = X11Observer.WaitForWindow(_x, title);
        var client = X11Observer.ClientGeometry(_x, id);
        var centre = new Point(client.X + 150, client.Y + 150);

        _input.Pointer(new PointerEvent(PointerAction.Scroll, centre) { Dy = 2 });
        _input.Pointer(new PointerEvent(PointerAction.Scroll, centre) { Dy = -1 });
        _input.Pointer(new PointerEvent(PointerAction.Scroll, centre) { Dx = 1.4 });
        _input.Pointer(new PointerEvent(PointerAction.Scroll, centre) { Dx = -0.6 });
        _input.Pointer(new PointerEvent(PointerAction.Scroll, centre) { Dy = 0.2 });
        _input.Pointer(new PointerEvent(PointerAction.Down, centre) { Button = PointerButton.Right, Modifiers = [Modifier.Ctrl, Modifier.Shift] });
        _input.Pointer(new PointerEvent(PointerAction.Up, centre) { Button = PointerButton.Right, Modifiers = [Modifier.Ctrl, Modifier.Shift] });

        var expected = new[] { "0x0 5", "0x0 5", "0x0 4", "0x0 7", "0x0 6", "0x5 3" };
        string[] presses = [];
        XvfbFixture.WaitUntil(() => (presses = ButtonPresses(log)).Length >= expected.Length, X11Observer.Deadline, "xev to report the presses");
        Assert.Equal(expected, presses);
    }

    [XvfbFact]
    public void Borrowed_keycodes_go_back_to_the_layout_on_dispose()
    {
        Assert.DoesNotContain("U2713", _x.Run("xmodmap", "-pke"), StringComparison.Ordinal);
        using (var input = X11Input.Open(_x.DisplayName))
        {
            input.Key(new KeyEvent(KeyAction.Down, "✓"));
            input.Key(new KeyEvent(KeyAction.Up, "✓"));
            Assert.Contains("U2713", _x.Run("xmodmap", "-pke"), StringComparison.Ordinal);
        }

        Assert.DoesNotContain("U2713", _x.Run("xmodmap", "-pke"), StringComparison.Ordinal);
    }

    [XvfbFact]
    public async Task Borrowed_keycodes_go_back_to_the_layout_once_typing_stops()
    {
        using var input = X11Input.Open(_x.DisplayName, bindingIdle: TimeSpan.FromMilliseconds(200));
        await input.TextAsync(new TextInput("✓") { IntervalMs = 0 });
        Assert.Contains("U2713", _x.Run("xmodmap", "-pke"), StringComparison.Ordinal);

        XvfbFixture.WaitUntil(() => !_x.Run("xmodmap", "-pke").Contains("U2713", StringComparison.Ordinal),
            X11Observer.Deadline, "the borrowed keycode to be given back");
    }


    [XvfbFact]
    public void A_point_off_the_screen_is_refused_and_the_pointer_stays_where_it_was()
    {
        _input.Pointer(new PointerEvent(PointerAction.Move, new Point(100, 100)));

        // X would confine these to the nearest edge, e.g. the top right corner for the first one.
        foreach (var (x, y, shown) in new[] { (99999.0, -5.0, "(99999, -5)"), (1280, 10, "(1280, 10)"), (-0.5, 3, "(-0.5, 3)"), (5, 800, "(5, 800)") })
        {
            var refused = WireErrors.Of(() => _input.Pointer(new PointerEvent(PointerAction.Down, new Point(x, y)) { Button = PointerButton.Left }));
            Assert.Equal(ErrorCodes.InvalidArgument, refused.Code);
            Assert.Equal(
                $"pointer position {shown} is off the 1280x800 screen: x must be from 0 to 1279 and y from 0 to 799 (take coordinates from a current screenshot, in its logical size)",
                refused.Detail);
            Assert.Equal((100, 100), X11Observer.PointerLocation(_x));
        }

        // The last fraction of the last pixel is still on the screen.
        _input.Pointer(new PointerEvent(PointerAction.Move, new Point(1279.9, 799.6)));
        Assert.Equal((1279, 799), X11Observer.PointerLocation(_x));
    }

    [XvfbFact]
    public void Bad_events_are_rejected_with_invalid_argument()
    {
        var unknown = WireErrors.Of(() => _input.Key(new KeyEvent(KeyAction.Down, "xyz")));
        Assert.Equal(ErrorCodes.InvalidArgument, unknown.Code);
        Assert.StartsWith("unknown keysym 'xyz'", unknown.Detail, StringComparison.Ordinal);

        var noButton = WireErrors.Of(() => _input.Pointer(new PointerEvent(PointerAction.Down, new Point(1, 1))));
        Assert.Equal(ErrorCodes.InvalidArgument, noButton.Code);

        var notFinite = WireErrors.Of(() => _input.Pointer(new PointerEvent(PointerAction.Move, new Point(double.NaN, 1))));
        Assert.Equal(ErrorCodes.InvalidArgument, notFinite.Code);

        var control = WireErrors.Of(() => _input.TextAsync(new TextInput("a\u0007b")).GetAwaiter().GetResult());
        Assert.Equal(ErrorCodes.InvalidArgument, control.Code);
    }

    [Theory]
    [InlineData("return", "Return")]
    [InlineData("Enter", "Return")]
    [InlineData("esc", "Escape")]
    [InlineData("escape", "Escape")]
    [InlineData("backspace", "BackSpace")]
    [InlineData("BackSpace", "BackSpace")]
    [InlineData("tab", "Tab")]
    [InlineData("space", "space")]
    [InlineData("del", "Delete")]
    [InlineData("insert", "Insert")]
    [InlineData("page_up", "Prior")]
    [InlineData("PageDown", "Next")]
    [InlineData("home", "Home")]
    [InlineData("end", "End")]
    [InlineData("left", "Left")]
    [InlineData("f5", "F5")]
    [InlineData("F24", "F24")]
    [InlineData("ctrl", "Control_L")]
    [InlineData("control", "Control_L")]
    [InlineData("shift", "Shift_L")]
    [InlineData("alt", "Alt_L")]
    [InlineData("meta", "Super_L")]
    [InlineData("cmd", "Super_L")]
    [InlineData("win", "Super_L")]
    [InlineData("caps_lock", "Caps_Lock")]
    [InlineData("menu", "Menu")]
    [InlineData("print", "Print")]
    [InlineData("a", "a")]
    [InlineData("A", "A")]
    [InlineData("7", "7")]
    [InlineData("+", "plus")]
    [InlineData("é", "eacute")]
    [InlineData("Ω", "U03A9")]
    [InlineData("KP_Enter", "KP_Enter")]
    [InlineData("kp_enter", "KP_Enter")]
    [InlineData("XF86AudioRaiseVolume", "XF86AudioRaiseVolume")]
    public void Key_names_resolve_to_x_keysyms(string name, string xName) =>
        Assert.Equal(OpenDesk.Linux.X11.Xlib.XStringToKeysym(xName), KeysymNames.Resolve(name));

    private Process StartCat(string file)
    {
        var title = Title("cat");
        var (process, id) = X11Observer.StartXterm(_x, title, "-geometry", "60x8+40+40", "-e", "sh", "-c", $"exec cat > '{file}'");
        _x.Run("xdotool", "windowactivate", "--sync", id.ToString(CultureInfo.InvariantCulture));

        // The window maps before xterm's child has set up the terminal, which may flush input typed earlier;
        // the shell creating the file means cat is about to read.
        XvfbFixture.WaitUntil(() => File.Exists(file), X11Observer.Deadline, "cat to start in the terminal");
        return process;
    }

    /// <summary>Waits for the terminal's cat to have written <paramref name="expected"/>, showing what it wrote if it never does.</summary>
    private static void AssertFileBecomes(string file, string expected)
    {
        var actual = "";
        try
        {
            XvfbFixture.WaitUntil(() => (actual = ReadShared(file)) == expected, X11Observer.Deadline, $"cat to write {expected.Length} characters");
        }
        catch (TimeoutException)
        {
            Assert.Equal(expected, actual);
        }
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream, Encoding.UTF8).ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
    }

    private void EndOfFile()
    {
        Key(KeyAction.Down, "d", Modifier.Ctrl);
        Key(KeyAction.Up, "d", Modifier.Ctrl);
    }

    private void Key(string action, string keysym, params string[] modifiers) =>
        _input.Key(new KeyEvent(action, keysym) { Modifiers = modifiers });

    private static string Title(string what) => $"opendesk-{what}-{Guid.NewGuid():N}";

    /// <summary>"state button" of every ButtonPress xev logged, e.g. "0x5 3" for ctrl+shift+right.</summary>
    private static string[] ButtonPresses(string log)
    {
        return [.. ButtonPressPattern().Matches(ReadShared(log)).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}")];
    }

    [GeneratedRegex(@"ButtonPress event.*?state (0x[0-9a-f]+), button (\d+)", RegexOptions.Singleline)]
    private static partial Regex ButtonPressPattern();
}
