using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>libX11 entry points for keysyms and the core keyboard mapping (synthetic input).</summary>
internal static unsafe partial class Xlib
{
    public const nint NoSymbol = 0;

    public const int MappingNotify = 34;
    public const int MappingKeyboard = 1;

    public const uint LockMask = 1 << 1;

    /// <summary>Pure table lookup in libX11 (no server round trip); returns <see cref="NoSymbol"/> for unknown names.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XStringToKeysym(string name);

    /// <summary>Reads the keycode range cached at connection time (no round trip).</summary>
    [LibraryImport(Library)]
    public static partial int XDisplayKeycodes(nint display, out int minKeycode, out int maxKeycode);

    /// <summary>Returns <paramref name="keycodeCount"/> × <paramref name="keysymsPerKeycode"/> keysyms; free with <see cref="XFree"/>.</summary>
    [LibraryImport(Library)]
    public static partial nint* XGetKeyboardMapping(nint display, byte firstKeycode, int keycodeCount, out int keysymsPerKeycode);

    [LibraryImport(Library)]
    public static partial int XChangeKeyboardMapping(nint display, int firstKeycode, int keysymsPerKeycode, nint* keysyms, int keycodeCount);

    /// <summary>Fills a 32-byte bit vector with the keys that are down, one bit per keycode.</summary>
    [LibraryImport(Library)]
    public static partial int XQueryKeymap(nint display, byte* keys);

    [StructLayout(LayoutKind.Sequential)]
    public struct XMappingEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nint Window;
        public int Request;
        public int FirstKeycode;
        public int Count;
    }
}
