using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenDesk.Bench;

/// <summary>
/// The real <c>opendesk serve</c>, started through the repository's launcher as a user would (virtual display,
/// no mDNS, its own home, 127.0.0.1 and a port the kernel picks), optionally under a descriptor limit.
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();
    private List<(int Pid, string CommandLine)> _helpers = [];

    private ServeProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public int Port { get; private set; }

    public bool IsAlive => !_process.HasExited;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts serve and waits (at most 120 s: a first start builds nothing but may start Xvfb) until it listens.</summary>
    /// <param name="virtualDisplay">Start a display of its own; false: serve the display of this process's DISPLAY.</param>
    public static async Task<ServeProcess> StartAsync(string home, int? fileDescriptorLimit, CancellationToken cancellationToken, bool virtualDisplay = true)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };

        // Each step execs the next, so the process id is serve's own and /proc/<pid> describes serve.
        info.ArgumentList.Add("--default-signal=INT,QUIT");
        if (fileDescriptorLimit is { } limit)
        {
            info.ArgumentList.Add("bash");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"ulimit -n {limit.ToString(CultureInfo.InvariantCulture)} && exec \"$0\" \"$@\"");
        }

        info.ArgumentList.Add(RepositoryLauncher.Path);
        foreach (var arg in new[] { "serve", "--home", home, "--host", "127.0.0.1", "--port", "0", virtualDisplay ? "--virtual-display" : "", "--no-mdns" }.Where(a => a.Length > 0))
        {
            info.ArgumentList.Add(arg);
        }

        var serve = new ServeProcess(Process.Start(info) ?? throw new InvalidOperationException("could not start opendesk serve"));
        ChildProcesses.Track(serve._process);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (serve.Port == 0)
            {
                if (ListeningLine().Match(serve.Output) is { Success: true } match)
                {
                    serve.Port = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                    serve._helpers = Descendants(serve.Pid);
                    break;
                }

                if (serve._process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException($"opendesk serve did not start listening; output:\n{serve.Output}");
                }

                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            return serve;
        }
        catch
        {
            await serve.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Resident memory and open descriptors from /proc, or null once the process is gone.</summary>
    public ResourceUse? Resources()
    {
        try
        {
            var rssLine = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var rssKb = rssLine is null ? 0 : long.Parse(rssLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            var fds = Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd").Count();
            return new ResourceUse(rssKb / 1024.0, fds);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>SIGINT first, so serve stops its Xvfb; the whole tree is killed if it has not exited within 15 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ChildProcesses.Signal(_process.Id, "INT");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        // A serve that died leaves its Xvfb and window manager to init, out of reach of a tree kill.
        foreach (var (pid, commandLine) in _helpers)
        {
            if (CommandLine(pid) == commandLine)
            {
                ChildProcesses.Signal(pid, "KILL");
            }
        }

        ChildProcesses.Forget(_process);
        _process.Dispose();
    }

    /// <summary>Every process below <paramref name="pid"/>, from the parent ids in /proc/*/stat.</summary>
    private static List<(int Pid, string CommandLine)> Descendants(int pid)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var child))
            {
                continue;
            }

            try
            {
                // Fields after the parenthesised command name: state, then the parent id.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(child);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Exited while being listed.
            }
        }

        var found = new List<(int, string)>();
        var pending = new Queue<int>([pid]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                if (CommandLine(child) is { } commandLine)
                {
                    found.Add((child, commandLine));
                    pending.Enqueue(child);
                }
            }
        }

        return found;
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"opendesk serve listening on [^\s]+:(\d+)")]
    private static partial Regex ListeningLine();
}
