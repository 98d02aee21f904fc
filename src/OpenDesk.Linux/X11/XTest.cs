using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// libXtst: synthetic input that the server treats like real device input (it moves the real pointer, updates
/// key state and reaches every client), unlike XSendEvent, which many toolkits ignore as untrusted.
/// </summary>
internal static partial class XTest
{
    public const string Library = "libXtst.so.6";

    [LibraryImport(Library)]
    public static partial int XTestQueryExtension(nint display, out int eventBase, out int errorBase, out int major, out int minor);

    /// <summary>Moves the pointer to root coordinates (<paramref name="screen"/> -1 means the pointer's screen).</summary>
    [LibraryImport(Library)]
    public static partial int XTestFakeMotionEvent(nint display, int screen, int x, int y, nuint delay);

    [LibraryImport(Library)]
    public static partial int XTestFakeButtonEvent(nint display, uint button, int isPress, nuint delay);

    [LibraryImport(Library)]
    public static partial int XTestFakeKeyEvent(nint display, uint keycode, int isPress, nuint delay);
}
