using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>XFixes (libXfixes): the cursor image for screenshots and server-side regions for Damage.</summary>
internal static unsafe partial class XFixes
{
    private const string Library = "libXfixes.so.3";

    [LibraryImport(Library)]
    public static partial int XFixesQueryExtension(nint display, out int eventBase, out int errorBase);

    /// <summary>Must precede any other XFixes request: the server rejects requests from clients that never negotiated.</summary>
    [LibraryImport(Library)]
    public static partial int XFixesQueryVersion(nint display, out int major, out int minor);

    [LibraryImport(Library)]
    public static partial XFixesCursorImage* XFixesGetCursorImage(nint display);

    [LibraryImport(Library)]
    public static partial nint XFixesCreateRegion(nint display, Xlib.XRectangle* rectangles, int count);

    [LibraryImport(Library)]
    public static partial void XFixesDestroyRegion(nint display, nint region);

    /// <summary>The region's rectangles, freed with XFree.</summary>
    [LibraryImport(Library)]
    public static partial Xlib.XRectangle* XFixesFetchRegion(nint display, nint region, out int count);

    /// <summary>
    /// The cursor and its position. <see cref="Pixels"/> holds premultiplied ARGB, one pixel per C
    /// <c>unsigned long</c> (8 bytes on 64-bit Linux, upper half zero).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XFixesCursorImage
    {
        public short X;
        public short Y;
        public ushort Width;
        public ushort Height;
        public ushort XHot;
        public ushort YHot;
        public nuint CursorSerial;
        public nuint* Pixels;
        public nint Atom;
        public byte* Name;
    }
}
