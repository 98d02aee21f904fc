using System.Text;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Windows;

/// <summary>
/// Typed reads of window properties. Every reader returns null when the property is absent, has another
/// type or format, or the window is gone (the X error is left in <see cref="XErrorTrap"/> for the caller).
/// </summary>
internal static unsafe class WindowProperties
{
    /// <summary>Caps a read at 1 MiB: more than any real client list or title, less than a hostile client's property.</summary>
    private const int MaxLongs = 256 * 1024;

    /// <summary>A format-32 property (CARDINAL, WINDOW, ATOM). Xlib hands each 32-bit item over as a C long.</summary>
    public static nint[]? Longs(nint display, nint window, nint property, nint type)
    {
        var status = Xlib.XGetWindowProperty(display, window, property, 0, MaxLongs, Xlib.False, type,
            out var actualType, out var format, out var count, out _, out var data);
        if (status != Xlib.Success || data == null)
        {
            return null;
        }

        try
        {
            if (actualType != type || format != 32)
            {
                return null;
            }

            var values = new nint[(int)count];
            var items = (nint*)data;
            for (var i = 0; i < values.Length; i++)
            {
                // CARDINALs are unsigned 32-bit; Xlib may sign-extend them into the long.
                values[i] = (nint)(uint)items[i];
            }

            return values;
        }
        finally
        {
            Xlib.XFree(data);
        }
    }

    public static nint? Long(nint display, nint window, nint property, nint type) =>
        Longs(display, window, property, type) is [var first, ..] ? first : null;

    /// <summary>A format-8 property of any type, with the type it had.</summary>
    public static byte[]? Bytes(nint display, nint window, nint property, out nint actualType)
    {
        actualType = Xlib.None;
        var status = Xlib.XGetWindowProperty(display, window, property, 0, MaxLongs, Xlib.False, Xlib.AnyPropertyType,
            out actualType, out var format, out var count, out _, out var data);
        if (status != Xlib.Success || data == null)
        {
            return null;
        }

        try
        {
            return format == 8 ? new ReadOnlySpan<byte>(data, (int)count).ToArray() : null;
        }
        finally
        {
            Xlib.XFree(data);
        }
    }

    /// <summary>A text property: UTF8_STRING as UTF-8; STRING (and, for its ASCII part, COMPOUND_TEXT) as Latin-1.</summary>
    public static string? Text(nint display, nint window, nint property, nint utf8StringAtom)
    {
        var bytes = Bytes(display, window, property, out var type);
        if (bytes is null)
        {
            return null;
        }

        var text = type == utf8StringAtom ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
        return text.TrimEnd('\0');
    }
}
