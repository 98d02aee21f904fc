using System.Globalization;

namespace OpenDesk.Linux.Windows;

/// <summary>
/// The wire form of an X window id (spec §17 Window.id): hex as xprop, xwininfo and wmctrl print it
/// (<c>0x1a00007</c>). Parsing also takes the decimal form xdotool prints, so ids can be pasted from either.
/// </summary>
internal static class X11WindowId
{
    public static string Format(nint window) => "0x" + ((ulong)window).ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The X id in <paramref name="id"/>; throws invalid_argument when it is neither hex nor decimal.</summary>
    public static nint Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var text = id.Trim();
        uint value;
        var ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

        // X resource ids are 29-bit; zero is None.
        if (!ok || value == 0 || value > 0x1FFFFFFF)
        {
            throw new ArgumentException(
                $"window id '{id}' is not an X window id: expected hex such as 0x1a00007 (as windows.list reports) or a decimal number");
        }

        return (nint)value;
    }
}
