using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace OpenDesk.Bench;

/// <summary>
/// Every process the attack suite starts, so that an exit by any route (Ctrl-C, SIGTERM, an exception) kills
/// what is still running, continues what was stopped, and leaves nothing behind.
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    public static void Track(Process process) => Running[process.Id] = process;

    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    /// <summary>Sends a signal by name (INT, STOP, CONT) to one process id, as kill(1) does.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public static void KillAll()
    {
        foreach (var process in Running.Values)
        {
            try
            {
                if (!process.HasExited)
                {
                    Signal(process.Id, "CONT");
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }

        Running.Clear();
    }
}
