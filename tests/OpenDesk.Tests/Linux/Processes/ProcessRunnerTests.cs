using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenDesk.Linux.Processes;

namespace OpenDesk.Tests.Linux.Processes;

public sealed class ProcessRunnerTests
{
    private static int _marker;

    private readonly ProcessRunner _runner = new();

    [Fact]
    public async Task Shell_CapturesStdoutExitCodeAndDuration()
    {
        var result = await _runner.ShellAsync("echo hello; echo oops >&2; exit 3");

        Assert.Equal("hello\n", Encoding.UTF8.GetString(result.Stdout));
        Assert.Equal("oops\n", Encoding.UTF8.GetString(result.Stderr));
        Assert.Equal(3, result.Returncode);
        Assert.InRange(result.Duration, 0.0, 10.0);
    }

    [Fact]
    public async Task Shell_SignalDeathIsNegativeLikePython_WhileExit137StaysPositive()
    {
        var killed = await _runner.ShellAsync("kill -9 $$");
        var exited = await _runner.ShellAsync("exit 137");

        Assert.Equal(-9, killed.Returncode);
        Assert.Equal(137, exited.Returncode);
    }

    [Fact]
    public async Task Shell_EnvIsMergedOverTheServerEnvironment()
    {
        var result = await _runner.ShellAsync("printf '%s|%s' \"$OPENDESK_TEST_VAR\" \"$HOME\"", env: new Dictionary<string, string> { ["OPENDESK_TEST_VAR"] = "héllo wörld" });

        Assert.Equal($"héllo wörld|{Environment.GetEnvironmentVariable("HOME")}", Encoding.UTF8.GetString(result.Stdout));
    }

    [Fact]
    public async Task Shell_RunsInCwd()
    {
        var directory = Directory.CreateTempSubdirectory("od-cwd-").FullName;
        try
        {
            var result = await _runner.ShellAsync("pwd", cwd: directory);

            Assert.Equal(directory + "\n", Encoding.UTF8.GetString(result.Stdout));
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public async Task Shell_MissingCwdIsNotFound()
    {
        var error = await WireErrors.OfAsync(() => _runner.ShellAsync("true", cwd: "/no/such/dir"));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
        Assert.Contains("/no/such/dir", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_PipelinesSeeDefaultSigpipe()
    {
        // The runtime ignores SIGPIPE; a child inheriting that would make `yes` complain about a broken pipe.
        var result = await _runner.ShellAsync("yes | head -n 1");

        Assert.Equal("y\n", Encoding.UTF8.GetString(result.Stdout));
        Assert.Empty(result.Stderr);
        Assert.Equal(0, result.Returncode);
    }

    [Fact]
    public async Task Exec_FeedsStdinAndReturnsRawBytes()
    {
        var input = new byte[4 * 1024 * 1024];
        new Random(42).NextBytes(input);

        var result = await _runner.ExecAsync(["cat"], stdin: input);

        Assert.Equal(0, result.Returncode);
        Assert.Equal(input, result.Stdout);
    }

    [Fact]
    public async Task Exec_WithoutStdinReadsDevNull()
    {
        var result = await _runner.ExecAsync(["cat"], timeout: 10);

        Assert.Empty(result.Stdout);
        Assert.Equal(0, result.Returncode);
    }

    [Fact]
    public async Task Exec_LargeStdoutAndStderrTogetherDoNotDeadlock()
    {
        var result = await _runner.ShellAsync("head -c 20000000 /dev/zero; head -c 3000000 /dev/zero >&2", timeout: 30);

        Assert.Equal(20_000_000, result.Stdout.Length);
        Assert.Equal(3_000_000, result.Stderr.Length);
    }

    [Fact]
    public async Task Exec_OutputOverTheLimitFailsClearlyAndKillsTheCommand()
    {
        var runner = new ProcessRunner(outputLimit: 1024 * 1024);

        var error = await WireErrors.OfAsync(() => runner.ShellAsync("cat /dev/zero", timeout: 30));

        Assert.Equal(ErrorCodes.Internal, error.Code);
        Assert.Contains("more than 1048576 bytes to stdout", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_MissingProgramIsNotFoundWithTheOsMessage()
    {
        var error = await WireErrors.OfAsync(() => _runner.ExecAsync(["opendesk-no-such-program"]));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
        Assert.Equal("No such file or directory: 'opendesk-no-such-program'", error.Detail);
    }

    [Fact]
    public async Task Exec_SearchesThePathOfTheMergedEnvironment()
    {
        var directory = Directory.CreateTempSubdirectory("od-path-").FullName;
        try
        {
            var script = Path.Combine(directory, "od-hello");
            await File.WriteAllTextAsync(script, "#!/bin/sh\necho from-path\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);

            var result = await _runner.ExecAsync(["od-hello"], env: new Dictionary<string, string> { ["PATH"] = $"{directory}:/usr/bin:/bin" });

            Assert.Equal("from-path\n", Encoding.UTF8.GetString(result.Stdout));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Exec_RejectsEmptyArgvAndNegativeTimeout()
    {
        var empty = await WireErrors.OfAsync(() => _runner.ExecAsync([]));
        var negative = await WireErrors.OfAsync(() => _runner.ShellAsync("true", timeout: -1));

        Assert.Equal(ErrorCodes.InvalidArgument, empty.Code);
        Assert.Equal(ErrorCodes.InvalidArgument, negative.Code);
    }

    [Fact]
    public async Task Timeout_KillsTheWholeTreeIncludingDescendantsThatLeftTheGroup()
    {
        var marker = UniqueSleep();

        // One sleep stays in the command's process group; the other moves to a session of its own.
        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => _runner.ShellAsync($"sleep {marker} & setsid sleep {marker} & sleep {marker}", timeout: 0.5));

        Assert.Equal("command timed out after 0.5 s", error.Message);
        // The sleeps last over 100 s: anything well below that means the timeout, not the command, ended it.
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.4, 30);
        await AssertNoProcessMatchesAsync($"sleep {marker}");
    }

    [Fact]
    public async Task Cancellation_KillsTheTree()
    {
        var marker = UniqueSleep();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _runner.ShellAsync($"sleep {marker} & sleep {marker}", cancellationToken: cancellation.Token));

        await AssertNoProcessMatchesAsync($"sleep {marker}");
    }

    [Fact]
    public async Task ListProcesses_ContainsUsWithOurParentAndCommandLine()
    {
        var self = Environment.ProcessId;
        var ps = await _runner.ExecAsync(["ps", "-o", "ppid=", "-p", self.ToString(CultureInfo.InvariantCulture)]);
        var expectedParent = int.Parse(Encoding.ASCII.GetString(ps.Stdout).Trim(), CultureInfo.InvariantCulture);

        var processes = await _runner.ListProcessesAsync();

        var us = Assert.Single(processes, p => p.Pid == self);
        Assert.Equal(expectedParent, us.Ppid);
        Assert.NotEmpty(us.Cmdline);
        Assert.False(string.IsNullOrEmpty(us.Name));
        Assert.Contains(processes, p => p.Pid == 1);
    }

    private static string UniqueSleep() =>
        $"{100 + (Environment.ProcessId % 1000)}.{Interlocked.Increment(ref _marker)}{Random.Shared.Next(100000, 999999)}";

    private async Task AssertNoProcessMatchesAsync(string pattern)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            // pgrep exits 1 when nothing matches; it never matches itself.
            var pgrep = await _runner.ExecAsync(["pgrep", "-a", "-f", pattern]);
            if (pgrep.Returncode == 1)
            {
                return;
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                Assert.Fail($"still running after the kill: {Encoding.UTF8.GetString(pgrep.Stdout)}");
            }

            await Task.Delay(25);
        }
    }
}
