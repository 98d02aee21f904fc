using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>libX11 entry points for listing and manipulating top-level windows.</summary>
internal static unsafe partial class Xlib
{
    public const int ClientMessage = 33;
    public const int InputOnly = 2;
    public const int IsViewable = 2;
    public const int RevertToParent = 2;
    public const int NorthWestGravity = 1;

    public const nint SubstructureNotifyMask = 1 << 19;
    public const nint SubstructureRedirectMask = 1 << 20;

    [LibraryImport(Library)]
    public static partial int XQueryTree(nint display, nint window, out nint root, out nint parent, out nint* children, out uint childCount);

    [LibraryImport(Library)]
    public static partial int XGetWindowAttributes(nint display, nint window, XWindowAttributes* attributes);

    [LibraryImport(Library)]
    public static partial int XMoveResizeWindow(nint display, nint window, int x, int y, uint width, uint height);

    [LibraryImport(Library)]
    public static partial int XRaiseWindow(nint display, nint window);

    [LibraryImport(Library)]
    public static partial int XMapRaised(nint display, nint window);

    [LibraryImport(Library)]
    public static partial int XSetInputFocus(nint display, nint window, int revertTo, nint time);

    [LibraryImport(Library)]
    public static partial int XGetInputFocus(nint display, out nint focus, out int revertTo);

    [LibraryImport(Library)]
    public static partial int XDestroyWindow(nint display, nint window);

    [StructLayout(LayoutKind.Sequential)]
    public struct XWindowAttributes
    {
        public int X;
        public int Y;
        public int Width;
        public int Height;
        public int BorderWidth;
        public int Depth;
        public nint Visual;
        public nint Root;
        public int Class;
        public int BitGravity;
        public int WinGravity;
        public int BackingStore;
        public nuint BackingPlanes;
        public nuint BackingPixel;
        public int SaveUnder;
        public nint Colormap;
        public int MapInstalled;
        public int MapState;
        public nint AllEventMasks;
        public nint YourEventMask;
        public nint DoNotPropagateMask;
        public int OverrideRedirect;
        public nint Screen;
    }

    /// <summary>XClientMessageEvent with 32-bit format data (five longs), the form every EWMH request uses.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XClientMessageEvent
    {
        public int Type;
        public nuint Serial;
        public int SendEvent;
        public nint Display;
        public nint Window;
        public nint MessageType;
        public int Format;
        public nint Data0;
        public nint Data1;
        public nint Data2;
        public nint Data3;
        public nint Data4;
    }
}
