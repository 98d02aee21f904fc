using System.Text;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.X11;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.Input;

/// <summary>
/// Pointer and keyboard input through XTEST (<c>input.pointer</c>, <c>input.key</c>, <c>input.text</c>).
/// Logical pixels are X root-window pixels. Every call ends with an XSync, so when it returns the server has
/// acted on the events: the pointer is where it was sent and the focused client has its key events queued.
/// </summary>
internal sealed class X11Input : IInputModule, IDisposable
{
    /// <summary>Borrowed keycodes go back to the layout after this long without use, unless <see cref="Open"/> says otherwise.</summary>
    private static readonly TimeSpan DefaultBindingIdle = TimeSpan.FromSeconds(2);

    /// <summary>A wheel delta beyond this is a caller bug, not a scroll; it would otherwise tie up the server.</summary>
    private const int MaxScrollClicks = 1000;

    private readonly XDisplayConnection _x;
    private readonly X11Keymap _keymap = new();

    /// <summary>Keycodes pressed by <see cref="Key"/> and not yet released; released on dispose so no key stays stuck.</summary>
    private readonly HashSet<byte> _held = [];

    private readonly Timer _restoreTimer;
    private readonly TimeSpan _bindingIdle;
    private readonly nint _shiftL;
    private readonly nint _shiftR;
    private readonly nint _capsLock;

    private X11Input(XDisplayConnection x, TimeSpan bindingIdle)
    {
        _x = x;
        _bindingIdle = bindingIdle;
        _shiftL = Xlib.XStringToKeysym("Shift_L");
        _shiftR = Xlib.XStringToKeysym("Shift_R");
        _capsLock = Xlib.XStringToKeysym("Caps_Lock");
        _restoreTimer = new Timer(_ => RestoreIdleBindings());
    }

    /// <summary>Connects to <paramref name="displayName"/> (or <c>$DISPLAY</c>) and checks that it has XTEST.</summary>
    /// <param name="displayName">The X display; null for <c>$DISPLAY</c>.</param>
    /// <param name="bindingIdle">
    /// How long a keysym borrowed onto a spare keycode stays bound after its last use (default 2 s). Binding
    /// and unbinding each make every client reload its keymap, so bindings are kept while typing goes on.
    /// </param>
    public static X11Input Open(string? displayName = null, TimeSpan? bindingIdle = null)
    {
        var x = XDisplayConnection.Open(displayName);
        try
        {
            int present;
            try
            {
                present = x.Run(d => XTest.XTestQueryExtension(d, out _, out _, out _, out _));
            }
            catch (DllNotFoundException e)
            {
                throw new OpenDeskException($"cannot load {XTest.Library}, which synthetic input needs: install it (Debian/Ubuntu: apt install libxtst6)", e);
            }

            if (present == 0)
            {
                throw new OpenDeskException($"the X server {x.Name} has no XTEST extension, which synthetic input needs (Xorg and Xvfb enable it unless started with -extension XTEST)");
            }

            return new X11Input(x, bindingIdle ?? DefaultBindingIdle);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    public IReadOnlyCollection<string> Capabilities { get; } =
        [OpenDesk.Protocol.Capabilities.InputPointer, OpenDesk.Protocol.Capabilities.InputKeyboard, OpenDesk.Protocol.Capabilities.InputText];

    Task IInputModule.PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken)
    {
        Pointer(pointerEvent);
        return Task.CompletedTask;
    }

    Task IInputModule.KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken)
    {
        Key(keyEvent);
        return Task.CompletedTask;
    }

    /// <summary>One <c>input.pointer</c> event: move, press, release or scroll at <see cref="PointerEvent.Point"/>.</summary>
    public void Pointer(PointerEvent pointerEvent)
    {
        ArgumentNullException.ThrowIfNull(pointerEvent);
        var (x, y) = _x.Run(d => RootPixel(d, _x.Root, pointerEvent.Point));
        switch (pointerEvent.Action)
        {
            case PointerAction.Move:
                _x.Run(d =>
                {
                    var held = PressModifiers(d, pointerEvent.Modifiers, shift: false, except: 0);
                    XTest.XTestFakeMotionEvent(d, -1, x, y, 0);
                    ReleaseModifiers(d, held);
                    Xlib.XSync(d, Xlib.False);
                });
                break;
            case PointerAction.Down or PointerAction.Up:
                var button = ButtonNumber(pointerEvent);
                var press = pointerEvent.Action == PointerAction.Down ? Xlib.True : Xlib.False;
                _x.Run(d =>
                {
                    var held = PressModifiers(d, pointerEvent.Modifiers, shift: false, except: 0);
                    XTest.XTestFakeMotionEvent(d, -1, x, y, 0);
                    XTest.XTestFakeButtonEvent(d, button, press, 0);
                    ReleaseModifiers(d, held);
                    Xlib.XSync(d, Xlib.False);
                });
                break;
            case PointerAction.Scroll:
                // xdotool's convention: buttons 4/5 scroll up/down, 6/7 left/right; positive dy scrolls down.
                var (vertical, verticalClicks) = ScrollClicks(pointerEvent.Dy, "dy", 5, 4);
                var (horizontal, horizontalClicks) = ScrollClicks(pointerEvent.Dx, "dx", 7, 6);
                _x.Run(d =>
                {
                    var held = PressModifiers(d, pointerEvent.Modifiers, shift: false, except: 0);
                    XTest.XTestFakeMotionEvent(d, -1, x, y, 0);
                    Click(d, vertical, verticalClicks);
                    Click(d, horizontal, horizontalClicks);
                    ReleaseModifiers(d, held);
                    Xlib.XSync(d, Xlib.False);
                });
                break;
            default:
                throw new ArgumentException(
                    $"unknown pointer action '{pointerEvent.Action}': expected move, down, up or scroll");
        }
    }

    /// <summary>One <c>input.key</c> event: presses or releases the key named by <see cref="KeyEvent.Keysym"/>.</summary>
    public void Key(KeyEvent keyEvent)
    {
        ArgumentNullException.ThrowIfNull(keyEvent);
        var down = keyEvent.Action switch
        {
            KeyAction.Down => true,
            KeyAction.Up => false,
            _ => throw new ArgumentException($"unknown key action '{keyEvent.Action}': expected down or up"),
        };
        var keysym = KeyEventKeysym(keyEvent);
        foreach (var modifier in keyEvent.Modifiers)
        {
            ModifierKeysym(modifier);
        }

        _x.Run(d =>
        {
            _keymap.ProcessEvents(d);
            var stroke = _keymap.Resolve(d, keysym, _held);

            // Shift for the key's level only matters when it is pressed: the release needs no particular state.
            var held = PressModifiers(d, keyEvent.Modifiers, shift: down && stroke.Shift, except: stroke.Keycode);
            XTest.XTestFakeKeyEvent(d, stroke.Keycode, down ? Xlib.True : Xlib.False, 0);
            if (down)
            {
                _held.Add(stroke.Keycode);
            }
            else
            {
                _held.Remove(stroke.Keycode);
            }

            ReleaseModifiers(d, held);
            Xlib.XSync(d, Xlib.False);
        });
        ScheduleRestore();
    }

    /// <summary>
    /// One <c>input.text</c> call: types <see cref="TextInput.Text"/> key by key, any Unicode character
    /// included, waiting <see cref="TextInput.IntervalMs"/> between characters. Never touches the clipboard.
    /// </summary>
    public async Task TextAsync(TextInput textInput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(textInput);
        var keysyms = TextKeysyms(textInput.Text);
        var interval = Math.Max(0, textInput.IntervalMs);
        try
        {
            for (var i = 0; i < keysyms.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (i > 0 && interval > 0)
                {
                    await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
                }

                var keysym = keysyms[i];
                _x.Run(d => TypeOne(d, keysym));
            }
        }
        finally
        {
            ScheduleRestore();
        }
    }

    public void Dispose()
    {
        _restoreTimer.Dispose();
        try
        {
            _x.Run(d =>
            {
                foreach (var keycode in _held)
                {
                    XTest.XTestFakeKeyEvent(d, keycode, Xlib.False, 0);
                }

                _held.Clear();
                _keymap.RestoreAll(d);
                Xlib.XSync(d, Xlib.False);
            });
        }
        catch (ObjectDisposedException)
        {
            // Disposed twice: nothing left to give back.
        }

        _x.Dispose();
    }

    private void TypeOne(nint display, nint keysym)
    {
        _keymap.ProcessEvents(display);
        var stroke = _keymap.Resolve(display, keysym, _held);
        var held = PressModifiers(display, [], stroke.Shift, except: stroke.Keycode);
        XTest.XTestFakeKeyEvent(display, stroke.Keycode, Xlib.True, 0);
        XTest.XTestFakeKeyEvent(display, stroke.Keycode, Xlib.False, 0);
        ReleaseModifiers(display, held);
        Xlib.XSync(display, Xlib.False);
    }

    /// <summary>
    /// Presses the modifiers that are not already down and returns what to undo. Modifiers a caller holds with
    /// their own key events (spec §17 press()) are down already and stay down.
    /// </summary>
    private unsafe List<(byte Keycode, bool Toggle)>? PressModifiers(nint display, IReadOnlyList<string> modifiers, bool shift, byte except)
    {
        if (modifiers.Count == 0 && !shift)
        {
            return null;
        }

        _keymap.ProcessEvents(display);
        var down = stackalloc byte[32];
        Xlib.XQueryKeymap(display, down);
        var pressed = new List<(byte, bool)>(modifiers.Count + 1);
        foreach (var modifier in modifiers.Distinct())
        {
            if (modifier == Modifier.Fn)
            {
                // Fn is handled inside the keyboard and never reaches X: there is nothing to hold.
                continue;
            }

            if (modifier == Modifier.CapsLock)
            {
                // Caps Lock is a lock, not a held key: toggle it on for the event and back off afterwards.
                if (!CapsLockOn(display))
                {
                    var caps = _keymap.Resolve(display, _capsLock, _held).Keycode;
                    Tap(display, caps);
                    pressed.Add((caps, true));
                }

                continue;
            }

            var keycode = _keymap.Resolve(display, ModifierKeysym(modifier), _held).Keycode;
            if (keycode != except && !IsDown(down, keycode) && !pressed.Contains((keycode, false)))
            {
                XTest.XTestFakeKeyEvent(display, keycode, Xlib.True, 0);
                pressed.Add((keycode, false));
            }
        }

        if (shift && !modifiers.Contains(Modifier.Shift))
        {
            var left = _keymap.Resolve(display, _shiftL, _held).Keycode;
            var right = _keymap.Resolve(display, _shiftR, _held).Keycode;
            if (!IsDown(down, left) && !IsDown(down, right))
            {
                XTest.XTestFakeKeyEvent(display, left, Xlib.True, 0);
                pressed.Add((left, false));
            }
        }

        return pressed;
    }

    private static void ReleaseModifiers(nint display, List<(byte Keycode, bool Toggle)>? pressed)
    {
        if (pressed is null)
        {
            return;
        }

        for (var i = pressed.Count - 1; i >= 0; i--)
        {
            var (keycode, toggle) = pressed[i];
            if (toggle)
            {
                Tap(display, keycode);
            }
            else
            {
                XTest.XTestFakeKeyEvent(display, keycode, Xlib.False, 0);
            }
        }
    }

    private static void Tap(nint display, byte keycode)
    {
        XTest.XTestFakeKeyEvent(display, keycode, Xlib.True, 0);
        XTest.XTestFakeKeyEvent(display, keycode, Xlib.False, 0);
    }

    private static void Click(nint display, uint button, int count)
    {
        for (var i = 0; i < count; i++)
        {
            XTest.XTestFakeButtonEvent(display, button, Xlib.True, 0);
            XTest.XTestFakeButtonEvent(display, button, Xlib.False, 0);
        }
    }

    private static unsafe bool IsDown(byte* keys, byte keycode) => (keys[keycode >> 3] & (1 << (keycode & 7))) != 0;

    private static bool CapsLockOn(nint display)
    {
        Xlib.XQueryPointer(display, Xlib.XDefaultRootWindow(display), out _, out _, out _, out _, out _, out _, out var mask);
        return (mask & Xlib.LockMask) != 0;
    }

    private void ScheduleRestore()
    {
        var pending = _x.Run(_ => _keymap.HasBindings);
        if (pending)
        {
            _restoreTimer.Change(_bindingIdle, Timeout.InfiniteTimeSpan);
        }
    }

    private void RestoreIdleBindings()
    {
        try
        {
            var remaining = _x.Run(d =>
            {
                var left = _keymap.RestoreIdle(d, _bindingIdle, _held);
                Xlib.XSync(d, Xlib.False);
                return left;
            });
            if (remaining)
            {
                _restoreTimer.Change(_bindingIdle, Timeout.InfiniteTimeSpan);
            }
        }
        catch (ObjectDisposedException)
        {
            // The service was disposed between the timer firing and this callback; Dispose restored everything.
        }
    }

    /// <summary>
    /// The root pixel at <paramref name="point"/>, which must lie on the screen. The X server would confine the
    /// pointer to the nearest edge, so a point off the screen (a stale or mis-scaled coordinate) would land on
    /// whatever sits at that edge, such as a maximised window's close button: refused instead.
    /// </summary>
    private static (int X, int Y) RootPixel(nint display, nint root, Point point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (!double.IsFinite(point.X) || !double.IsFinite(point.Y))
        {
            throw new ArgumentException($"pointer position ({point.X}, {point.Y}) is not a finite coordinate");
        }

        // Asked each time: Xlib's cached screen size does not follow a resize (xrandr).
        if (Xlib.XGetGeometry(display, root, out _, out _, out _, out var width, out var height, out _, out _) == 0)
        {
            throw new InvalidOperationException("the X server did not report the screen's size");
        }

        // Pixel (i, j) covers [i, i + 1) × [j, j + 1), so the screen is [0, width) × [0, height).
        if (point.X < 0 || point.Y < 0 || point.X >= width || point.Y >= height)
        {
            throw new ArgumentException(
                $"pointer position ({Coordinate(point.X)}, {Coordinate(point.Y)}) is off the {width}x{height} screen: " +
                $"x must be from 0 to {width - 1} and y from 0 to {height - 1} (take coordinates from a current screenshot, in its logical size)");
        }

        return ((int)Math.Min(Math.Round(point.X), width - 1), (int)Math.Min(Math.Round(point.Y), height - 1));
    }

    private static string Coordinate(double value) => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);

    private static uint ButtonNumber(PointerEvent pointerEvent) => pointerEvent.Button switch
    {
        PointerButton.Left => 1,
        PointerButton.Middle => 2,
        PointerButton.Right => 3,
        PointerButton.X1 => 8,
        PointerButton.X2 => 9,
        null => throw new ArgumentException(
            $"pointer {pointerEvent.Action} needs a button: left, right, middle, x1 or x2"),
        var other => throw new ArgumentException(
            $"unknown pointer button '{other}': expected left, right, middle, x1 or x2"),
    };

    private static (uint Button, int Clicks) ScrollClicks(double delta, string name, uint positive, uint negative)
    {
        if (!double.IsFinite(delta))
        {
            throw new ArgumentException($"scroll {name} {delta} is not a finite number");
        }

        var clicks = Math.Round(Math.Abs(delta), MidpointRounding.AwayFromZero);
        if (clicks > MaxScrollClicks)
        {
            throw new ArgumentException($"scroll {name} {delta} is more than {MaxScrollClicks} wheel clicks");
        }

        return (delta >= 0 ? positive : negative, (int)clicks);
    }

    private static nint KeyEventKeysym(KeyEvent keyEvent)
    {
        var keysym = KeysymNames.TryResolve(keyEvent.Keysym);
        if (keysym != Xlib.NoSymbol)
        {
            return keysym;
        }

        // A client that captured the key on another platform may send a name X does not know together with
        // the character the key produced; typing that character is what the user meant.
        if (keyEvent.Char is { Length: > 0 } text
            && Rune.DecodeFromUtf16(text, out var rune, out var consumed) == System.Buffers.OperationStatus.Done
            && consumed == text.Length
            && KeysymNames.ForCodePoint(rune.Value) is var fromChar && fromChar != Xlib.NoSymbol)
        {
            return fromChar;
        }

        return KeysymNames.Resolve(keyEvent.Keysym);
    }

    private static nint ModifierKeysym(string modifier) => modifier switch
    {
        Modifier.Shift => Xlib.XStringToKeysym("Shift_L"),
        Modifier.Ctrl => Xlib.XStringToKeysym("Control_L"),
        Modifier.Alt => Xlib.XStringToKeysym("Alt_L"),
        Modifier.Meta => Xlib.XStringToKeysym("Super_L"),
        Modifier.CapsLock => Xlib.XStringToKeysym("Caps_Lock"),
        Modifier.Fn => Xlib.XStringToKeysym("XF86Fn"),
        _ => throw new ArgumentException(
            $"unknown modifier '{modifier}': expected shift, ctrl, alt, meta, fn or caps_lock"),
    };

    /// <summary>The keysym for each character of <paramref name="text"/>, checked before anything is typed.</summary>
    private static List<nint> TextKeysyms(string text)
    {
        var keysyms = new List<nint>(text.Length);
        var previous = 0;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == Rune.ReplacementChar.Value && text[index] != '\uFFFD')
            {
                throw new ArgumentException($"text has an unpaired surrogate at UTF-16 index {index}");
            }

            // Windows line ends type one Return, not two.
            if (!(rune.Value == '\n' && previous == '\r'))
            {
                var keysym = KeysymNames.ForCodePoint(rune.Value);
                if (keysym == Xlib.NoSymbol)
                {
                    throw new ArgumentException(
                        $"text has the control character U+{rune.Value:X4} at UTF-16 index {index}, which no key types");
                }

                keysyms.Add(keysym);
            }

            previous = rune.Value;
            index += rune.Utf16SequenceLength;
        }

        return keysyms;
    }
}
