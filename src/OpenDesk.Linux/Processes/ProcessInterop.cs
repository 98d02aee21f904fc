using System.Runtime.InteropServices;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// glibc process primitives. <see cref="System.Diagnostics.Process"/> cannot start a child in a new session
/// (needed to kill a whole command tree on timeout) and reports a signal death as 128+n, indistinguishable
/// from a program that exits with that code; posix_spawn plus our own waitpid gives both exactly.
/// </summary>
internal static unsafe partial class ProcessInterop
{
    private const string Libc = "libc.so.6";

    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ECHILD = 10;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;

    public const int SIGTERM = 15;
    public const int SIGKILL = 9;

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CLOEXEC = 0x80000;

    public const int X_OK = 1;

    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;
    public const short POSIX_SPAWN_SETSID = 0x80;

    /// <summary>glibc's posix_spawn_file_actions_t is 80 bytes on 64-bit targets; allocate with room to spare.</summary>
    public const int FileActionsSize = 256;

    /// <summary>glibc's posix_spawnattr_t is 336 bytes on 64-bit targets.</summary>
    public const int SpawnAttrSize = 1024;

    /// <summary>sigset_t is 1024 bits in glibc.</summary>
    public const int SigSetSize = 128;

    [LibraryImport(Libc)]
    public static partial int posix_spawn(out int pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport(Libc)]
    public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Libc, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport(Libc, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int posix_spawn_file_actions_addchdir_np(void* fileActions, string path);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport(Libc)]
    public static partial int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [LibraryImport(Libc)]
    public static partial int sigfillset(void* set);

    [LibraryImport(Libc)]
    public static partial int sigemptyset(void* set);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int pipe2(int* fds, int flags);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);
}
