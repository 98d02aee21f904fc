using System.Diagnostics;
using System.Globalization;
using OpenDesk.Linux.Processes;

namespace OpenDesk.Tests.Linux.Processes;

/// <summary>
/// What a tethered child sees is what it would see started directly; that it dies with its parent is shown
/// end to end by killing a real serve (VirtualDisplayLifetimeTests), since killing this test host is not an option.
/// </summary>
public sealed class TetheredProcessTests
{
    [Fact]
    public async Task The_program_runs_as_itself_with_its_arguments_environment_and_redirections()
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var argument in new[] { "-c", "printf '%s|' \"$0\" \"$1\" \"$2\" \"$TETHER_TEST\" \"$PPID\"; cat", "zero", "two words", "$@ \"quoted\" *" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["TETHER_TEST"] = "héllo";

        using var process = await TetheredProcess.StartAsync(info);
        await process.StandardInput.WriteAsync("from stdin");
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal($"zero|two words|$@ \"quoted\" *|héllo|{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}|from stdin", output);
        Assert.Equal(0, process.ExitCode);
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("KILL", 9)]
    public async Task The_death_signal_is_armed_in_the_program_itself(string signal, int number)
    {
        using var process = await TetheredProcess.StartAsync(PythonReportingItsDeathSignal("import os; print(os.getpid())"), signal);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        Assert.Equal($"{number.ToString(CultureInfo.InvariantCulture)}\n{process.Id.ToString(CultureInfo.InvariantCulture)}\n", output);
    }

    [Fact]
    public async Task The_program_leads_a_session_of_its_own_and_is_still_this_process_s_child()
    {
        // A terminal's Ctrl-C signals its foreground process group; a child in a session of its own is outside it.
        using var process = await TetheredProcess.StartAsync(PythonReportingItsDeathSignal(
            "import os; print(os.getsid(0) == os.getpid(), os.getpgid(0) == os.getpid(), os.getppid(), os.getsid(0) != os.getsid(os.getppid()))"));
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        Assert.Equal($"15\nTrue True {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} True\n", output);
    }

    [Fact]
    public async Task A_child_outlives_the_thread_that_asked_for_it()
    {
        // The kernel signals a child when the thread that forked it exits. Ask from a short-lived thread, as a
        // thread-pool thread would be, wait there until the child has armed its death signal (a thread that is
        // gone before that would only hand the child to another thread), then let the thread end.
        Process? process = null;
        string? armed = null;
        var thread = new Thread(() =>
        {
            process = TetheredProcess.StartAsync(PythonReportingItsDeathSignal("import time; time.sleep(30)")).GetAwaiter().GetResult();
            armed = process.StandardOutput.ReadLine();
        });
        thread.Start();
        thread.Join();
        Assert.NotNull(process);
        try
        {
            Assert.Equal("15", armed);
            await Task.Delay(500);
            Assert.False(process.HasExited, $"the child ended ({(process.HasExited ? process.ExitCode : 0)}) when the thread that asked for it exited");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    [Fact]
    public async Task Arguments_must_come_as_a_list()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => TetheredProcess.StartAsync(new ProcessStartInfo("/bin/sleep", "30")));
        await Assert.ThrowsAsync<ArgumentException>(() => TetheredProcess.StartAsync(new ProcessStartInfo("/bin/sleep") { UseShellExecute = true }));
    }

    /// <summary>Python printing its own parent-death signal (PR_GET_PDEATHSIG, 2), flushed, then running <paramref name="then"/>.</summary>
    private static ProcessStartInfo PythonReportingItsDeathSignal(string then)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("import ctypes; s = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(s)); print(s.value, flush=True)\n" + then);
        return info;
    }
}
