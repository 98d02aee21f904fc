using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// Starts the helper processes a server runs for its own use (the virtual display's Xvfb and window manager,
/// session buses) so that they end when this process ends, however it ends: a crash or SIGKILL runs no cleanup
/// code, so the kernel has to do it. Each child is executed through util-linux <c>setpriv --pdeathsig</c>, which
/// asks the kernel to signal it when its parent goes away.
/// </summary>
/// <remarks>
/// The kernel's "parent" for that signal is the thread that forked the child, not the process: a child started
/// from a thread-pool thread would be signalled as soon as the pool retired that thread. So every start runs on
/// one dedicated thread that lives exactly as long as this process.
/// A parent that dies before <c>setpriv</c> has set the signal would leave the child untethered, so a shell
/// between <c>setpriv</c> and the program checks that its parent is still this process, and gives up otherwise.
/// Each child also runs in a session of its own (util-linux <c>setsid</c>, which execs in place for a child that
/// leads no process group): Ctrl-C in a terminal signals the whole foreground process group, and an X server
/// killed that way would take this process's display away before it could shut down in order.
/// </remarks>
internal static class TetheredProcess
{
    private const string SetprivFallback = "/usr/bin/setpriv";
    private const string SetsidFallback = "/usr/bin/setsid";

    // $0 is this process's pid; $PPID is read by the shell after setpriv armed the death signal, so a match
    // means the signal is tied to the live parent. 125 is the exit code of a child whose parent was already gone.
    private const string ParentCheck = "[ \"$PPID\" = \"$0\" ] || exit 125; exec \"$@\"";

    private static readonly BlockingCollection<Request> Requests = [];
    private static readonly Lazy<Thread> Spawner = new(StartSpawner, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Starts <paramref name="info"/>'s program (arguments in <see cref="ProcessStartInfo.ArgumentList"/>) so that it
    /// receives <paramref name="deathSignal"/> when this process exits or is killed. Redirections, environment and
    /// working directory apply as with <see cref="Process.Start(ProcessStartInfo)"/>; the returned process's id is
    /// the program's own.
    /// </summary>
    /// <param name="info">What to run; not modified.</param>
    /// <param name="deathSignal">A signal name <c>setpriv</c> knows, e.g. <c>TERM</c> (lets an X server remove its lock files) or <c>KILL</c>.</param>
    /// <exception cref="OpenDeskException"><c>setpriv</c> is missing or the program could not be started.</exception>
    public static Task<Process> StartAsync(ProcessStartInfo info, string deathSignal = "TERM")
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentException.ThrowIfNullOrEmpty(info.FileName);
        ArgumentException.ThrowIfNullOrEmpty(deathSignal);
        if (info.UseShellExecute || info.Arguments.Length > 0)
        {
            throw new ArgumentException("pass the arguments in ArgumentList, without shell execution", nameof(info));
        }

        var tethered = Wrap(info, FindSetpriv(), FindUtility("setsid", SetsidFallback), deathSignal);
        var request = new Request(tethered, info.FileName, new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously));
        _ = Spawner.Value;
        Requests.Add(request);
        return request.Result.Task;
    }

    private static ProcessStartInfo Wrap(ProcessStartInfo info, string setpriv, string setsid, string deathSignal)
    {
        var wrapped = new ProcessStartInfo(setpriv)
        {
            UseShellExecute = false,
            RedirectStandardInput = info.RedirectStandardInput,
            RedirectStandardOutput = info.RedirectStandardOutput,
            RedirectStandardError = info.RedirectStandardError,
            StandardOutputEncoding = info.StandardOutputEncoding,
            StandardErrorEncoding = info.StandardErrorEncoding,
            StandardInputEncoding = info.StandardInputEncoding,
            WorkingDirectory = info.WorkingDirectory,
        };
        wrapped.Environment.Clear();
        foreach (var (name, value) in info.Environment)
        {
            wrapped.Environment[name] = value;
        }

        foreach (var argument in new[] { "--pdeathsig", deathSignal, "--", setsid, "/bin/sh", "-c", ParentCheck, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), info.FileName })
        {
            wrapped.ArgumentList.Add(argument);
        }

        foreach (var argument in info.ArgumentList)
        {
            wrapped.ArgumentList.Add(argument);
        }

        return wrapped;
    }

    private static string FindSetpriv() => FindUtility("setpriv", SetprivFallback);

    private static string FindUtility(string name, string fallback) =>
        ProgramPath.TryResolveOnPath(name)
        ?? (File.Exists(fallback) ? fallback : null)
        ?? throw new OpenDeskException($"{name} is not installed (Debian package util-linux); it is needed so helper processes end with opendesk");

    private static Thread StartSpawner()
    {
        // A background thread never holds the process open, and it is never stopped: its exit would signal every
        // child it started.
        var thread = new Thread(Serve) { IsBackground = true, Name = "opendesk tethered spawner" };
        thread.Start();
        return thread;
    }

    private static void Serve()
    {
        foreach (var request in Requests.GetConsumingEnumerable())
        {
            try
            {
                var process = Process.Start(request.Info) ?? throw new OpenDeskException($"could not start {request.Program}");
                request.Result.SetResult(process);
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                request.Result.SetException(new OpenDeskException($"could not start {request.Program}: {e.Message}", e));
            }
            catch (Exception e)
            {
                // Whatever else went wrong belongs to the caller; this thread has to stay alive for the children it started.
                request.Result.SetException(e);
            }
        }
    }

    private sealed record Request(ProcessStartInfo Info, string Program, TaskCompletionSource<Process> Result);
}
