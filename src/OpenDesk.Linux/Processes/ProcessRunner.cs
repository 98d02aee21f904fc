using System.Collections;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// <c>process.shell</c>, <c>process.exec</c> and <c>process.list</c>. Commands run in a session of their own
/// with stdin from <c>/dev/null</c> (or the given bytes); stdout and stderr are captured as raw bytes on
/// separate threads so a chatty child never blocks on a full pipe. A timeout or cancellation kills the whole
/// tree, not just the direct child, so <c>sh -c 'sleep 100 &amp; sleep 100'</c> leaves nothing behind. As in
/// Python's subprocess, the call waits for both pipes to reach EOF, so a background job that keeps stdout open
/// keeps the call running (redirect it, e.g. <c>job &gt;/dev/null 2&gt;&amp;1 &amp;</c>).
/// </summary>
internal sealed class ProcessRunner : IProcessesModule
{
    /// <summary>Per-stream capture limit: the whole result travels in one message and is held in memory twice.</summary>
    public const long DefaultOutputLimit = 64L * 1024 * 1024;

    /// <summary>How long a killed tree gets to release its pipes before we stop waiting for EOF.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(2);

    /// <summary>Commands that may run at once: each holds processes, pipes and up to two output buffers.</summary>
    public const int DefaultMaxConcurrent = 16;

    /// <summary>Timeouts beyond this (about 46 days) are treated as none; Task.WaitAsync cannot wait longer.</summary>
    private const double MaxTimeoutSeconds = 4_000_000;

    private readonly SemaphoreSlim _slots;

    public ProcessRunner(long outputLimit = DefaultOutputLimit, int maxConcurrent = DefaultMaxConcurrent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputLimit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrent);
        OutputLimit = outputLimit;
        MaxConcurrent = maxConcurrent;
        _slots = new SemaphoreSlim(maxConcurrent, maxConcurrent);
    }

    public long OutputLimit { get; }

    public int MaxConcurrent { get; }

    public IReadOnlyCollection<string> Capabilities { get; } =
        [OpenDesk.Protocol.Capabilities.ProcessList, OpenDesk.Protocol.Capabilities.ProcessShell, OpenDesk.Protocol.Capabilities.ProcessSpawn];

    /// <summary>Runs <paramref name="command"/> with <c>/bin/sh -c</c>.</summary>
    public Task<CompletedCommand> ShellAsync(
        string command, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ExecAsync(["/bin/sh", "-c", command], timeout, cwd, env, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="argv"/> without a shell. <paramref name="env"/> is merged over the server's
    /// environment and its <c>PATH</c> is the one searched for <c>argv[0]</c>. Fails with <c>not_found</c> for
    /// a missing program or working directory, and with <see cref="TimeoutException"/> (<c>timeout</c>) when
    /// <paramref name="timeout"/> seconds pass.
    /// </summary>
    public async Task<CompletedCommand> ExecAsync(
        IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(argv);
        cancellationToken.ThrowIfCancellationRequested();
        if (argv.Count == 0)
        {
            throw new ArgumentException("argv is empty; it must name the program to run");
        }

        foreach (var arg in argv)
        {
            RejectNul(arg, "an argument");
        }

        var limit = ValidateTimeout(timeout);
        var environment = MergeEnvironment(env);
        ValidateCwd(cwd);
        environment.TryGetValue("PATH", out var searchPath);
        var program = ProgramPath.Resolve(argv[0], searchPath, cwd);
        if (OpenDesk.Transport.DescriptorHeadroom.IsLow)
        {
            throw new OpenDeskException(
                $"the desk is running out of file descriptors (fewer than {OpenDesk.Transport.DescriptorHeadroom.Reserve} left); wait for running commands to finish and try again");
        }

        if (!_slots.Wait(0, CancellationToken.None))
        {
            throw new OpenDeskException(
                $"too many commands running: at most {MaxConcurrent} run at once; wait for one to finish and try again");
        }

        try
        {
            return await RunAsync(program, argv, limit, timeout, cwd, environment, stdin, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<CompletedCommand> RunAsync(
        string program, IReadOnlyList<string> argv, TimeSpan? limit, double? timeout, string? cwd, Dictionary<string, string> environment, byte[]? stdin,
        CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        using var child = ChildProcess.Start(program, argv, environment, cwd, pipeInput: stdin is not null, captureOutput: true);
        var stdout = Capture(child.Output!, "stdout", child);
        var stderr = Capture(child.Error!, "stderr", child);
        var input = stdin is null ? Task.CompletedTask : Feed(child.Input!, stdin);
        var completion = Task.WhenAll(child.Exited, stdout, stderr, input);
        try
        {
            await (limit is { } span ? completion.WaitAsync(span, cancellationToken) : completion.WaitAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!completion.IsCompleted)
        {
            await KillAndSettleAsync(child, completion).ConfigureAwait(false);
            throw new TimeoutException($"command timed out after {timeout!.Value.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (TimeoutException)
        {
            // The command finished just as the timer fired: its result stands.
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !completion.IsCompleted)
        {
            await KillAndSettleAsync(child, completion).ConfigureAwait(false);
            throw;
        }

        return new CompletedCommand(await child.Exited.ConfigureAwait(false), await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false))
        {
            Duration = stopwatch.Elapsed.TotalSeconds,
        };
    }

    /// <summary>Every process visible to the server (spec §17 Process), read from <c>/proc</c>.</summary>
    public Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken = default) =>
        Task.Run(ProcessTable.List, cancellationToken);

    private static async Task KillAndSettleAsync(ChildProcess child, Task completion)
    {
        child.KillTree();

        // A descendant that left the process group (setsid) and still holds a pipe keeps EOF away; give up on it
        // after the grace period rather than hang the call. Its reader thread ends when that process does.
        await Task.WhenAny(completion, Task.Delay(KillGrace)).ConfigureAwait(false);
        _ = completion.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private Task<byte[]> Capture(SafeFileHandle handle, string name, ChildProcess child) =>
        Task.Factory.StartNew(
            () =>
            {
                using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
                using var captured = new MemoryStream();
                var buffer = new byte[64 * 1024];
                var overflowed = false;
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    if (overflowed)
                    {
                        continue;
                    }

                    if (captured.Length + read > OutputLimit)
                    {
                        // Keep draining so the tree dies without blocking on a full pipe; the call then fails.
                        overflowed = true;
                        child.KillTree();
                        continue;
                    }

                    captured.Write(buffer, 0, read);
                }

                if (overflowed)
                {
                    throw new OpenDeskException(
                        $"the command wrote more than {OutputLimit} bytes to {name} and was killed; redirect large output to a file and fetch it with fs.read");
                }

                return captured.ToArray();
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static Task Feed(SafeFileHandle handle, byte[] data) =>
        Task.Factory.StartNew(
            () =>
            {
                using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
                try
                {
                    stream.Write(data);
                }
                catch (IOException)
                {
                    // The child closed stdin without reading everything (as `head` does); that is its choice.
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    private static TimeSpan? ValidateTimeout(double? timeout)
    {
        if (timeout is not { } seconds)
        {
            return null;
        }

        if (double.IsNaN(seconds) || seconds < 0)
        {
            throw new ArgumentException($"timeout must be a non-negative number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");
        }

        return seconds > MaxTimeoutSeconds ? null : TimeSpan.FromSeconds(seconds);
    }

    private static void ValidateCwd(string? cwd)
    {
        if (cwd is null)
        {
            return;
        }

        RejectNul(cwd, "cwd");
        if (Directory.Exists(cwd))
        {
            return;
        }

        throw File.Exists(cwd)
            ? new ArgumentException($"{OsError.Describe(ProcessInterop.ENOTDIR)}: '{cwd}' (cwd must be a directory)")
            : new NotFoundException($"{OsError.Describe(ProcessInterop.ENOENT)}: '{cwd}'");
    }

    private static Dictionary<string, string> MergeEnvironment(IReadOnlyDictionary<string, string>? overrides)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            merged[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string>())
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"invalid environment variable name '{key}': it must be non-empty and contain no '='");
            }

            RejectNul(key, "an environment variable name");
            RejectNul(value, $"the value of environment variable {key}");
            merged[key] = value;
        }

        return merged;
    }

    private static void RejectNul(string value, string what)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"{what} contains a NUL character, which the OS cannot pass to a process");
        }
    }
}
