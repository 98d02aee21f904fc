using System.Runtime.InteropServices;

namespace OpenDesk.Linux.X11;

/// <summary>
/// MIT-SHM (libXext) and the System V shared-memory calls it needs: the server writes pixels straight into
/// a segment we map, which makes a 1080p grab about 20× cheaper than XGetImage's copy through the socket.
/// </summary>
internal static unsafe partial class XShm
{
    private const string Library = "libXext.so.6";
    private const string LibC = "libc";

    public const int IpcPrivate = 0;
    public const int IpcCreat = 0x200;
    public const int IpcRmid = 0;

    /// <summary>
    /// Mode 0600, so no other local user can read screen contents out of the segment. An X server running as a
    /// different non-root user then cannot attach either, and capture falls back to XGetImage.
    /// </summary>
    public const int ModeOwnerReadWrite = 0x180;

    [LibraryImport(Library)]
    public static partial int XShmQueryExtension(nint display);

    [LibraryImport(Library)]
    public static partial Xlib.XImage* XShmCreateImage(
        nint display, nint visual, uint depth, int format, byte* data, XShmSegmentInfo* info, uint width, uint height);

    [LibraryImport(Library)]
    public static partial int XShmAttach(nint display, XShmSegmentInfo* info);

    [LibraryImport(Library)]
    public static partial int XShmDetach(nint display, XShmSegmentInfo* info);

    [LibraryImport(Library)]
    public static partial int XShmGetImage(nint display, nint drawable, Xlib.XImage* image, int x, int y, nuint planeMask);

    [LibraryImport(LibC, EntryPoint = "shmget", SetLastError = true)]
    public static partial int ShmGet(int key, nuint size, int flags);

    [LibraryImport(LibC, EntryPoint = "shmat", SetLastError = true)]
    public static partial byte* ShmAt(int id, void* address, int flags);

    [LibraryImport(LibC, EntryPoint = "shmdt")]
    public static partial int ShmDt(void* address);

    [LibraryImport(LibC, EntryPoint = "shmctl")]
    public static partial int ShmCtl(int id, int command, void* buffer);

    [StructLayout(LayoutKind.Sequential)]
    public struct XShmSegmentInfo
    {
        public nuint ShmSeg;
        public int ShmId;
        public byte* ShmAddr;
        public int ReadOnly;
    }
}
