using System.Diagnostics;
using System.Text;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>Runs the real <c>opendesk</c> command through the repository's launcher, as a user would.</summary>
internal static class OpendeskCli
{
    private static readonly Lazy<string> Launcher = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "opendesk");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "OpenDesk.slnx")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("the opendesk launcher was not found above the test directory");
    });

    /// <summary>The repository's <c>opendesk</c> launcher script.</summary>
    public static string LauncherPath => Launcher.Value;

    public static Task<(int Exit, string Out, string Err)> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs opendesk to completion with extra environment variables, e.g. an empty <c>DISPLAY</c>.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var process = Start(args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"opendesk {string.Join(' ', args)} did not finish");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public static RunningCommand StartLongRunning(params string[] args) => new(Start(args), args);

    /// <summary>Starts opendesk with extra environment variables, e.g. the <c>DISPLAY</c> it should serve.</summary>
    public static RunningCommand StartLongRunning(IReadOnlyDictionary<string, string> environment, params string[] args) => new(Start(args, environment), args);

    /// <summary>Starts opendesk allowed at most <paramref name="fileLimit"/> open file descriptors (<c>ulimit -n</c>).</summary>
    public static RunningCommand StartLongRunning(int fileLimit, params string[] args) => new(Start(args, fileLimit: fileLimit), args);

    /// <summary>
    /// Starts opendesk leading a process group of its own, as a shell starts a foreground command, so that
    /// <see cref="RunningCommand.SignalProcessGroup"/> reaches everything a terminal's Ctrl-C would.
    /// </summary>
    public static RunningCommand StartInOwnProcessGroup(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new(Start(args, environment, ownProcessGroup: true), args);

    private static Process Start(string[] args, IReadOnlyDictionary<string, string>? environment = null, int? fileLimit = null, bool ownProcessGroup = false)
    {
        // A runner started in the background (CI, nohup, `cmd &`) ignores SIGINT and SIGQUIT, and children inherit
        // that. Reset them, so a test's Ctrl-C reaches opendesk as it would from a terminal; env (and prlimit) then
        // exec the launcher, which execs dotnet, so the process id stays opendesk's own.
        // setsid execs in place here (a fresh child leads no group), so the process id is still opendesk's.
        var info = new ProcessStartInfo(ownProcessGroup ? "setsid" : fileLimit is null ? "env" : "prlimit")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (ownProcessGroup)
        {
            info.ArgumentList.Add("env");
        }
        else if (fileLimit is { } limit)
        {
            info.ArgumentList.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--nofile={limit}:{limit}"));
            info.ArgumentList.Add("env");
        }

        info.ArgumentList.Add("--default-signal=INT,QUIT");
        info.ArgumentList.Add(Launcher.Value);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start opendesk");
    }
}

/// <summary>A background <c>opendesk</c> process whose output is collected line by line.</summary>
internal sealed class RunningCommand : IDisposable
{
    private readonly Process _process;
    private readonly string[] _args;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    public RunningCommand(Process process, string[] args)
    {
        _process = process;
        _args = args;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

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

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public async Task WaitForOutputAsync(string text, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                // The exit can be observed before the last lines arrive; this wait drains stdout and stderr to EOF.
                await _process.WaitForExitAsync();
                Assert.Contains(text, Output, StringComparison.Ordinal);
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"opendesk {string.Join(' ', _args)} never printed {text}; output so far:\n{Output}");
            }

            await Task.Delay(25);
        }
    }

    public async Task<int> WaitForExitAsync(double seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"opendesk {string.Join(' ', _args)} did not exit within {seconds} s; {SignalState()}; output so far:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>The process state and signal masks, to tell a signal that never arrived from one that was ignored or blocked.</summary>
    private string SignalState()
    {
        try
        {
            return string.Join(", ", File.ReadLines($"/proc/{_process.Id}/status")
                .Where(line => line.StartsWith("State:", StringComparison.Ordinal) || line.StartsWith("Sig", StringComparison.Ordinal) || line.StartsWith("ShdPnd", StringComparison.Ordinal) || line.StartsWith("Threads", StringComparison.Ordinal))
                .Select(line => System.Text.RegularExpressions.Regex.Replace(line, @"\s+", " ")));
        }
        catch (IOException e)
        {
            return $"no process status ({e.Message})";
        }
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Sends <paramref name="signal"/> to the whole process group this command leads, as a terminal's Ctrl-C does.</summary>
    public void SignalProcessGroup(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", "--", $"-{_process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
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
}
