using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using OpenDesk.Computer;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Input;

/// <summary>
/// Turns the protocol's key names (spec §17 KeyEvent: <c>return</c>, <c>escape</c>, <c>a</c>, <c>f5</c>, a
/// <see cref="Modifier"/> value) and the names other opendesk backends and xdotool users send into X keysyms.
/// </summary>
internal static class KeysymNames
{
    /// <summary>Case-insensitive names that are not X keysym names themselves (or differ only by case).</summary>
    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["return"] = "Return",
        ["enter"] = "Return",
        ["escape"] = "Escape",
        ["esc"] = "Escape",
        ["backspace"] = "BackSpace",
        ["tab"] = "Tab",
        ["space"] = "space",
        ["delete"] = "Delete",
        ["del"] = "Delete",
        ["insert"] = "Insert",
        ["ins"] = "Insert",
        ["home"] = "Home",
        ["end"] = "End",
        ["page_up"] = "Prior",
        ["pageup"] = "Prior",
        ["pgup"] = "Prior",
        ["prior"] = "Prior",
        ["page_down"] = "Next",
        ["pagedown"] = "Next",
        ["pgdn"] = "Next",
        ["next"] = "Next",
        ["up"] = "Up",
        ["down"] = "Down",
        ["left"] = "Left",
        ["right"] = "Right",
        ["arrowup"] = "Up",
        ["arrowdown"] = "Down",
        ["arrowleft"] = "Left",
        ["arrowright"] = "Right",
        ["ctrl"] = "Control_L",
        ["control"] = "Control_L",
        ["ctrl_l"] = "Control_L",
        ["ctrl_r"] = "Control_R",
        ["shift"] = "Shift_L",
        ["alt"] = "Alt_L",
        ["option"] = "Alt_L",
        ["altgr"] = "ISO_Level3_Shift",
        ["meta"] = "Super_L",
        ["super"] = "Super_L",
        ["cmd"] = "Super_L",
        ["command"] = "Super_L",
        ["win"] = "Super_L",
        ["windows"] = "Super_L",
        ["meta_r"] = "Super_R",
        ["super_r"] = "Super_R",
        ["caps_lock"] = "Caps_Lock",
        ["capslock"] = "Caps_Lock",
        ["num_lock"] = "Num_Lock",
        ["numlock"] = "Num_Lock",
        ["scroll_lock"] = "Scroll_Lock",
        ["scrolllock"] = "Scroll_Lock",
        ["menu"] = "Menu",
        ["print"] = "Print",
        ["printscreen"] = "Print",
        ["print_screen"] = "Print",
        ["pause"] = "Pause",
        ["break"] = "Break",
        ["fn"] = "XF86Fn",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The keysym for <paramref name="name"/>; throws invalid_argument when no spelling of it is a keysym.</summary>
    public static nint Resolve(string name)
    {
        var keysym = TryResolve(name);
        if (keysym == Xlib.NoSymbol)
        {
            throw new ArgumentException(
                $"unknown keysym '{name}': use a key name such as return, escape, page_up, f5 or ctrl, a single character, or an X keysym name such as KP_Enter");
        }

        return keysym;
    }

    public static nint TryResolve(string name)
    {
        if (name.Length == 0)
        {
            return Xlib.NoSymbol;
        }

        if (Aliases.TryGetValue(name, out var xName))
        {
            return Xlib.XStringToKeysym(xName);
        }

        if (FunctionKey(name) is { } function)
        {
            return function;
        }

        // One character names the key that types it; this also covers punctuation such as "+" whose X names
        // ("plus") callers cannot be expected to know.
        if (Rune.DecodeFromUtf16(name, out var rune, out var consumed) == OperationStatus.Done && consumed == name.Length)
        {
            return ForCodePoint(rune.Value);
        }

        if (name.Length > 2 && (name.StartsWith("U+", StringComparison.OrdinalIgnoreCase))
            && int.TryParse(name.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
            && Rune.IsValid(codePoint))
        {
            return ForCodePoint(codePoint);
        }

        foreach (var spelling in Spellings(name))
        {
            var keysym = Xlib.XStringToKeysym(spelling);
            if (keysym != Xlib.NoSymbol)
            {
                return keysym;
            }
        }

        return Xlib.NoSymbol;
    }

    /// <summary>
    /// The keysym that types <paramref name="codePoint"/>: Latin-1 keysyms equal their code points, every other
    /// character has the Unicode keysym 0x01000000 + code point, and control characters map to their keys.
    /// Returns <see cref="Xlib.NoSymbol"/> for control characters that no key types.
    /// </summary>
    public static nint ForCodePoint(int codePoint) => codePoint switch
    {
        '\n' or '\r' => Xlib.XStringToKeysym("Return"),
        '\t' => Xlib.XStringToKeysym("Tab"),
        '\b' => Xlib.XStringToKeysym("BackSpace"),
        0x1b => Xlib.XStringToKeysym("Escape"),
        0x7f => Xlib.XStringToKeysym("Delete"),
        < 0x20 or (>= 0x80 and < 0xa0) => Xlib.NoSymbol,
        < 0x100 => codePoint,
        _ => 0x01000000 | codePoint,
    };

    private static nint? FunctionKey(string name)
    {
        if (name.Length is < 2 or > 3 || (name[0] != 'f' && name[0] != 'F'))
        {
            return null;
        }

        return int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 35
            ? Xlib.XStringToKeysym($"F{n}")
            : null;
    }

    /// <summary>The case variants X keysym names use: as given, lower, upper, Capitalised, Page_Up style and KP_Enter style.</summary>
    private static IEnumerable<string> Spellings(string name)
    {
        yield return name;
        yield return name.ToLowerInvariant();
        yield return name.ToUpperInvariant();
        var parts = name.ToLowerInvariant().Split('_');
        var capitalised = parts.Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..]).ToArray();
        yield return string.Join('_', capitalised);
        if (parts.Length > 1)
        {
            yield return string.Join('_', [parts[0].ToUpperInvariant(), .. capitalised[1..]]);
        }
    }
}
