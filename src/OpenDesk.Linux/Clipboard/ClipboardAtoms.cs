using OpenDesk.Computer;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Clipboard;

/// <summary>The atoms the clipboard speaks, interned once on the clipboard's own connection.</summary>
internal sealed class ClipboardAtoms
{
    public ClipboardAtoms(nint display)
    {
        Clipboard = Intern(display, "CLIPBOARD");
        Targets = Intern(display, "TARGETS");
        Timestamp = Intern(display, "TIMESTAMP");
        Incr = Intern(display, "INCR");
        Utf8String = Intern(display, "UTF8_STRING");
        Text = Intern(display, "TEXT");
        TextPlain = Intern(display, "text/plain");
        TextPlainUtf8 = Intern(display, ClipboardEntry.TextMimeType);
        ImagePng = Intern(display, "image/png");
        ReadProperty = Intern(display, "_OPENDESK_CLIPBOARD");
        TimestampProperty = Intern(display, "_OPENDESK_TIMESTAMP");
    }

    public nint Clipboard { get; }

    public nint Targets { get; }

    public nint Timestamp { get; }

    public nint Incr { get; }

    public nint Utf8String { get; }

    public nint Text { get; }

    public nint TextPlain { get; }

    public nint TextPlainUtf8 { get; }

    public nint ImagePng { get; }

    /// <summary>Where conversions we request are delivered, on our own window.</summary>
    public nint ReadProperty { get; }

    /// <summary>A zero-length append to this property on our window yields a server timestamp (ICCCM §2.1).</summary>
    public nint TimestampProperty { get; }

    public static nint Intern(nint display, string name) => Xlib.XInternAtom(display, name, Xlib.False);
}
