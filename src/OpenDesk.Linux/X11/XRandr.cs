using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>RandR (libXrandr): monitors as the desktop environment arranges them (RandR 1.5).</summary>
internal static unsafe partial class XRandr
{
    private const string Library = "libXrandr.so.2";

    [LibraryImport(Library)]
    public static partial int XRRQueryExtension(nint display, out int eventBase, out int errorBase);

    [LibraryImport(Library)]
    public static partial int XRRQueryVersion(nint display, out int major, out int minor);

    [LibraryImport(Library)]
    public static partial XRRMonitorInfo* XRRGetMonitors(nint display, nint window, int getActive, out int count);

    [LibraryImport(Library)]
    public static partial void XRRFreeMonitors(XRRMonitorInfo* monitors);

    [StructLayout(LayoutKind.Sequential)]
    public struct XRRMonitorInfo
    {
        public nint Name;
        public int Primary;
        public int Automatic;
        public int OutputCount;
        public int X;
        public int Y;
        public int Width;
        public int Height;
        public int WidthMm;
        public int HeightMm;
        public nint* Outputs;
    }
}
