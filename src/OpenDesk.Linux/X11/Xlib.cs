using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// libX11 entry points shared by every X11 service. Feature areas add their own entry points in partial files
/// (<c>Xlib.Capture.cs</c>, <c>Xlib.Input.cs</c>, …) so no one file grows into a dump of the whole API.
/// </summary>
internal static unsafe partial class Xlib
{
    public const string Library = "libX11.so.6";

    public const int Success = 0;
    public const int False = 0;
    public const int True = 1;
    public const nint None = 0;
    public const nint AnyPropertyType = 0;
    public const nint CurrentTime = 0;

    [LibraryImport(Library)]
    public static partial int XInitThreads();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XOpenDisplay(string? name);

    [LibraryImport(Library)]
    public static partial int XCloseDisplay(nint display);

    [LibraryImport(Library)]
    public static partial nint XDefaultRootWindow(nint display);

    [LibraryImport(Library)]
    public static partial int XDefaultScreen(nint display);

    [LibraryImport(Library)]
    public static partial int XDisplayWidth(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XDisplayHeight(nint display, int screen);

    [LibraryImport(Library)]
    public static partial nint XDefaultVisual(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XDefaultDepth(nint display, int screen);

    [LibraryImport(Library)]
    public static partial int XConnectionNumber(nint display);

    [LibraryImport(Library)]
    public static partial int XFlush(nint display);

    [LibraryImport(Library)]
    public static partial int XSync(nint display, int discard);

    [LibraryImport(Library)]
    public static partial int XFree(void* data);

    [LibraryImport(Library)]
    public static partial int XPending(nint display);

    [LibraryImport(Library)]
    public static partial int XNextEvent(nint display, XEvent* ev);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint XInternAtom(nint display, string name, int onlyIfExists);

    [LibraryImport(Library)]
    public static partial nint XGetAtomName(nint display, nint atom);

    [LibraryImport(Library)]
    public static partial int XGetWindowProperty(
        nint display, nint window, nint property, nint offset, nint length, int delete, nint requestedType,
        out nint actualType, out int actualFormat, out nuint itemCount, out nuint bytesAfter, out byte* data);

    [LibraryImport(Library)]
    public static partial int XChangeProperty(nint display, nint window, nint property, nint type, int format, int mode, byte* data, int elementCount);

    [LibraryImport(Library)]
    public static partial int XSendEvent(nint display, nint window, int propagate, nint eventMask, XEvent* ev);

    [LibraryImport(Library)]
    public static partial int XQueryPointer(
        nint display, nint window, out nint root, out nint child, out int rootX, out int rootY, out int winX, out int winY, out uint mask);

    [LibraryImport(Library)]
    public static partial int XGetGeometry(
        nint display, nint drawable, out nint root, out int x, out int y, out uint width, out uint height, out uint borderWidth, out uint depth);

    [LibraryImport(Library)]
    public static partial int XTranslateCoordinates(
        nint display, nint source, nint destination, int sourceX, int sourceY, out int destinationX, out int destinationY, out nint child);

    [LibraryImport(Library)]
    public static partial nint XSetErrorHandler(delegate* unmanaged<nint, XErrorEvent*, int> handler);

    [LibraryImport(Library)]
    public static partial nint XSetIOErrorHandler(delegate* unmanaged<nint, int> handler);

    [LibraryImport(Library)]
    public static partial nint XDisplayString(nint display);

    /// <summary>libX11 1.7+: replaces the exit() that follows the I/O error handler, per connection.</summary>
    [LibraryImport(Library)]
    public static partial void XSetIOErrorExitHandler(nint display, delegate* unmanaged<nint, nint, void> handler, nint userData);

    [LibraryImport(Library)]
    public static partial int XGetErrorText(nint display, int code, byte* buffer, int length);

    [LibraryImport(Library)]
    public static partial int XSelectInput(nint display, nint window, nint eventMask);

    [StructLayout(LayoutKind.Sequential)]
    public struct XErrorEvent
    {
        public int Type;
        public nint Display;
        public nint ResourceId;
        public nuint Serial;
        public byte ErrorCode;
        public byte RequestCode;
        public byte MinorCode;
    }

    /// <summary>The XEvent union: 24 longs, read through the typed views below.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 24 * 8)]
    public struct XEvent
    {
        public int Type;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct XAnyEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nint Window;
    }
}
