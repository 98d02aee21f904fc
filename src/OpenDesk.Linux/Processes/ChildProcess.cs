using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// A child started with posix_spawn in a session of its own (so its pid is also its process-group id and
/// one <c>kill(-pid)</c> reaches every descendant that stayed in the group), with default signal dispositions
/// (the runtime ignores SIGPIPE, and a child inheriting that would see "Broken pipe" errors where a shell
/// pipeline expects a quiet exit). A dedicated thread reaps it so <see cref="Exited"/> carries the exact status.
/// </summary>
internal sealed unsafe class ChildProcess : IDisposable
{
    private ChildProcess(int pid, SafeFileHandle? input, SafeFileHandle? output, SafeFileHandle? error)
    {
        Pid = pid;
        Input = input;
        Output = output;
        Error = error;
        Exited = ReapInBackground(pid);
    }

    public int Pid { get; }

    /// <summary>Our end of the child's stdin, when it was requested; closing it gives the child EOF.</summary>
    public SafeFileHandle? Input { get; }

    /// <summary>Our end of the child's stdout, when output is captured.</summary>
    public SafeFileHandle? Output { get; }

    /// <summary>Our end of the child's stderr, when output is captured.</summary>
    public SafeFileHandle? Error { get; }

    /// <summary>The return code once the child has been reaped: the exit status, or -signal as in Python.</summary>
    public Task<int> Exited { get; }

    /// <summary>
    /// Starts <paramref name="program"/> with <paramref name="argv"/> and exactly <paramref name="environment"/>.
    /// Without <paramref name="pipeInput"/> stdin is <c>/dev/null</c>; without <paramref name="captureOutput"/>
    /// stdout and stderr are too. Exec failures surface here (glibc's posix_spawn reports them synchronously).
    /// </summary>
    public static ChildProcess Start(
        string program, IReadOnlyList<string> argv, IReadOnlyDictionary<string, string> environment, string? cwd, bool pipeInput, bool captureOutput)
    {
        // Parent and child ends of stdin, stdout and stderr: [inRead, inWrite, outRead, outWrite, errRead, errWrite].
        int* fds = stackalloc int[6] { -1, -1, -1, -1, -1, -1 };
        var fileActions = NativeMemory.AllocZeroed(ProcessInterop.FileActionsSize);
        var attributes = NativeMemory.AllocZeroed(ProcessInterop.SpawnAttrSize);
        byte* signals = stackalloc byte[ProcessInterop.SigSetSize];
        byte* noSignals = stackalloc byte[ProcessInterop.SigSetSize];
        var strings = new List<nint>();
        byte** argvBlock = null;
        byte** envBlock = null;
        var handedOver = false;
        try
        {
            if (pipeInput)
            {
                CreatePipe(fds);
            }

            if (captureOutput)
            {
                CreatePipe(fds + 2);
                CreatePipe(fds + 4);
            }

            Check(ProcessInterop.posix_spawn_file_actions_init(fileActions), "posix_spawn_file_actions_init");
            Check(ProcessInterop.posix_spawnattr_init(attributes), "posix_spawnattr_init");
            Check(pipeInput
                ? ProcessInterop.posix_spawn_file_actions_adddup2(fileActions, fds[0], 0)
                : ProcessInterop.posix_spawn_file_actions_addopen(fileActions, 0, "/dev/null", ProcessInterop.O_RDONLY, 0), "redirecting stdin");
            Check(captureOutput
                ? ProcessInterop.posix_spawn_file_actions_adddup2(fileActions, fds[3], 1)
                : ProcessInterop.posix_spawn_file_actions_addopen(fileActions, 1, "/dev/null", ProcessInterop.O_WRONLY, 0), "redirecting stdout");
            Check(captureOutput
                ? ProcessInterop.posix_spawn_file_actions_adddup2(fileActions, fds[5], 2)
                : ProcessInterop.posix_spawn_file_actions_addopen(fileActions, 2, "/dev/null", ProcessInterop.O_WRONLY, 0), "redirecting stderr");
            if (cwd is not null)
            {
                Check(ProcessInterop.posix_spawn_file_actions_addchdir_np(fileActions, cwd), "setting the working directory");
            }

            ProcessInterop.sigfillset(signals);
            ProcessInterop.sigemptyset(noSignals);
            Check(ProcessInterop.posix_spawnattr_setsigdefault(attributes, signals), "posix_spawnattr_setsigdefault");
            Check(ProcessInterop.posix_spawnattr_setsigmask(attributes, noSignals), "posix_spawnattr_setsigmask");
            Check(ProcessInterop.posix_spawnattr_setflags(
                attributes,
                ProcessInterop.POSIX_SPAWN_SETSID | ProcessInterop.POSIX_SPAWN_SETSIGDEF | ProcessInterop.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");

            argvBlock = StringBlock(argv, strings);
            envBlock = StringBlock([.. environment.Select(pair => $"{pair.Key}={pair.Value}")], strings);
            var programText = Marshal.StringToCoTaskMemUTF8(program);
            strings.Add(programText);

            var rc = ProcessInterop.posix_spawn(out var pid, (byte*)programText, fileActions, attributes, argvBlock, envBlock);
            if (rc != 0)
            {
                throw OsError.For(rc, argv[0]);
            }

            var child = new ChildProcess(
                pid,
                pipeInput ? new SafeFileHandle(fds[1], ownsHandle: true) : null,
                captureOutput ? new SafeFileHandle(fds[2], ownsHandle: true) : null,
                captureOutput ? new SafeFileHandle(fds[4], ownsHandle: true) : null);
            handedOver = true;
            return child;
        }
        finally
        {
            // The child's ends must close in the parent, or our readers would never see EOF.
            CloseIfOpen(fds[0]);
            CloseIfOpen(fds[3]);
            CloseIfOpen(fds[5]);
            if (!handedOver)
            {
                CloseIfOpen(fds[1]);
                CloseIfOpen(fds[2]);
                CloseIfOpen(fds[4]);
            }

            ProcessInterop.posix_spawn_file_actions_destroy(fileActions);
            ProcessInterop.posix_spawnattr_destroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(argvBlock);
            NativeMemory.Free(envBlock);
            foreach (var text in strings)
            {
                Marshal.FreeCoTaskMem(text);
            }
        }
    }

    /// <summary>
    /// SIGKILLs the child, its process group and every descendant still linked to it by parent pid (which
    /// catches those that moved to a group of their own). Descendants are listed before anything dies, because
    /// a killed parent's children are re-parented and can no longer be traced back to it.
    /// </summary>
    public void KillTree()
    {
        var descendants = ProcessTable.Descendants(Pid);
        ProcessInterop.kill(-Pid, ProcessInterop.SIGKILL);
        if (!Exited.IsCompleted)
        {
            ProcessInterop.kill(Pid, ProcessInterop.SIGKILL);
        }

        foreach (var pid in descendants)
        {
            ProcessInterop.kill(pid, ProcessInterop.SIGKILL);
        }
    }

    public void Dispose()
    {
        Input?.Dispose();
        Output?.Dispose();
        Error?.Dispose();
    }

    private static Task<int> ReapInBackground(int pid)
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => Reap(pid, exited), 64 * 1024) { IsBackground = true, Name = "opendesk-reap" };
        thread.Start();
        return exited.Task;
    }

    private static void Reap(int pid, TaskCompletionSource<int> exited)
    {
        while (true)
        {
            if (ProcessInterop.waitpid(pid, out var status, 0) == pid)
            {
                exited.SetResult(Decode(status));
                return;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno == ProcessInterop.EINTR)
            {
                continue;
            }

            // The runtime reaps every child itself when it runs as pid 1 or inherited an ignored SIGCHLD.
            exited.SetException(new OpenDeskException(errno == ProcessInterop.ECHILD
                ? $"the exit status of process {pid} was collected by someone else; opendesk must not run as pid 1 or with SIGCHLD ignored (in a container, use an init such as `docker run --init`)"
                : $"waitpid({pid}) failed: {OsError.Describe(errno)}"));
            return;
        }
    }

    /// <summary>The wait status as Python reports it: the exit code, or the negated signal number.</summary>
    private static int Decode(int status)
    {
        var signal = status & 0x7f;
        return signal == 0 ? (status >> 8) & 0xff : -signal;
    }

    private static void CreatePipe(int* fds)
    {
        if (ProcessInterop.pipe2(fds, ProcessInterop.O_CLOEXEC) != 0)
        {
            throw new OpenDeskException($"cannot create a pipe for the child process: {OsError.Describe(Marshal.GetLastPInvokeError())}");
        }
    }

    private static void Check(int rc, string step)
    {
        if (rc != 0)
        {
            throw new OpenDeskException($"cannot start the process: {step} failed: {OsError.Describe(rc)}");
        }
    }

    private static void CloseIfOpen(int fd)
    {
        if (fd >= 0)
        {
            ProcessInterop.close(fd);
        }
    }

    /// <summary>A NULL-terminated array of NUL-terminated UTF-8 strings; each string is recorded in <paramref name="owned"/> for freeing.</summary>
    private static byte** StringBlock(IReadOnlyList<string> values, List<nint> owned)
    {
        var block = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < values.Count; i++)
        {
            var text = Marshal.StringToCoTaskMemUTF8(values[i]);
            owned.Add(text);
            block[i] = (byte*)text;
        }

        return block;
    }
}
