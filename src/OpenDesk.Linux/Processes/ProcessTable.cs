using System.Globalization;
using System.Text;
using OpenDesk.Computer;

namespace OpenDesk.Linux.Processes;

/// <summary>
/// Reads processes from <c>/proc</c>. Processes come and go while we scan, so every per-process read may find
/// the directory gone; such a process is simply left out rather than failing the whole listing.
/// </summary>
internal static class ProcessTable
{
    /// <summary>The kernel truncates <c>comm</c> to 15 bytes (TASK_COMM_LEN - 1).</summary>
    public const int CommLength = 15;

    private const string Proc = "/proc";

    /// <summary>Every process visible to us, ordered by pid.</summary>
    public static IReadOnlyList<ProcessInfo> List()
    {
        var result = new List<ProcessInfo>();
        foreach (var pid in Pids())
        {
            if (Read(pid) is { } info)
            {
                result.Add(info);
            }
        }

        return result;
    }

    /// <summary>One process, or null when it has exited (or never existed).</summary>
    public static ProcessInfo? Read(int pid)
    {
        var directory = $"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            var comm = File.ReadAllText($"{directory}/comm").TrimEnd('\n');
            var ppid = ReadPpid(directory);
            var cmdline = ReadCmdline(directory);
            return new ProcessInfo(pid, FullName(comm, cmdline)) { Ppid = ppid, Cmdline = cmdline };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The pid of every process, as listed by <c>/proc</c>.</summary>
    public static IEnumerable<int> Pids()
    {
        foreach (var entry in Directory.EnumerateDirectories(Proc))
        {
            if (int.TryParse(Path.GetFileName(entry.AsSpan()), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// Every live descendant of <paramref name="root"/> (not including it), found through parent links. Children
    /// whose parent already exited were re-parented and cannot be found this way; callers pair this with a
    /// process-group kill, which catches those.
    /// </summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in Pids())
        {
            try
            {
                var ppid = ReadPpid($"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}");
                if (!children.TryGetValue(ppid, out var list))
                {
                    children[ppid] = list = [];
                }

                list.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited mid-scan: it has no descendants left to kill.
            }
        }

        var result = new List<int>();
        var pending = new Queue<int>();
        pending.Enqueue(root);
        while (pending.TryDequeue(out var parent))
        {
            if (children.TryGetValue(parent, out var list))
            {
                foreach (var child in list)
                {
                    result.Add(child);
                    pending.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>Whether <paramref name="pid"/> exists and has not exited (a zombie has, it only awaits reaping).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close >= 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The real uid owning <paramref name="pid"/>, or null when it is gone.</summary>
    public static uint? OwnerUid(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"{Proc}/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var fields = line["Uid:".Length..].Split('\t', StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }

        return null;
    }

    /// <summary>
    /// <c>comm</c> is cut to 15 bytes, so "gnome-terminal-server" shows as "gnome-terminal-"; like psutil, prefer
    /// the executable's base name from the command line when it extends the truncated name.
    /// </summary>
    private static string FullName(string comm, IReadOnlyList<string> cmdline)
    {
        if (comm.Length < CommLength || cmdline.Count == 0)
        {
            return comm;
        }

        var executable = Path.GetFileName(cmdline[0]);
        return executable.StartsWith(comm, StringComparison.Ordinal) ? executable : comm;
    }

    private static int ReadPpid(string directory)
    {
        // The name field may contain spaces and parentheses, so fields are counted from the last ')'.
        var stat = File.ReadAllText($"{directory}/stat");
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new IOException($"unexpected format of {directory}/stat");
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    private static string[] ReadCmdline(string directory)
    {
        // Kernel threads and zombies have an empty command line.
        var bytes = File.ReadAllBytes($"{directory}/cmdline");
        if (bytes.Length == 0)
        {
            return [];
        }

        var text = Encoding.UTF8.GetString(bytes);
        return text.TrimEnd('\0').Split('\0');
    }
}
