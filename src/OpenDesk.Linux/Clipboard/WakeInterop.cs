using System.Runtime.InteropServices;

namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// poll and eventfd: the clipboard's event loop sleeps in poll on the X connection and an eventfd, so another
/// thread can wake it for new work without waiting for X traffic or a polling interval.
/// </summary>
internal static unsafe partial class WakeInterop
{
    private const string Libc = "libc.so.6";

    public const short POLLIN = 0x1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int eventfd(uint initialValue, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, void* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, void* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }
}
