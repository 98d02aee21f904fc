using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>libX11 entry points for reading screen pixels (the non-SHM path and image bookkeeping).</summary>
internal static unsafe partial class Xlib
{
    public const int ZPixmap = 2;
    public const int LSBFirst = 0;

    /// <summary>Every plane: the plane mask that makes XGetImage return whole pixels.</summary>
    public static readonly nuint AllPlanes = nuint.MaxValue;

    [LibraryImport(Library)]
    public static partial XImage* XGetImage(nint display, nint drawable, int x, int y, uint width, uint height, nuint planeMask, int format);

    /// <summary>Calls the image's own destroy hook, so it is right for XGetImage and XShmCreateImage images alike.</summary>
    [LibraryImport(Library)]
    public static partial int XDestroyImage(XImage* image);

    /// <summary>Xlib's XImage up to and including the function table (only read, never allocated here).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XImage
    {
        public int Width;
        public int Height;
        public int XOffset;
        public int Format;
        public byte* Data;
        public int ByteOrder;
        public int BitmapUnit;
        public int BitmapBitOrder;
        public int BitmapPad;
        public int Depth;
        public int BytesPerLine;
        public int BitsPerPixel;
        public nuint RedMask;
        public nuint GreenMask;
        public nuint BlueMask;
        public nint ObData;
        public nint CreateImage;
        public nint DestroyImage;
        public nint GetPixel;
        public nint PutPixel;
        public nint SubImage;
        public nint AddPixel;
    }

    /// <summary>A 16-bit rectangle as used by XFixes regions and Damage events.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct XRectangle
    {
        public short X;
        public short Y;
        public ushort Width;
        public ushort Height;
    }
}
