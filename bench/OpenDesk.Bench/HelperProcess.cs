using System.Diagnostics;

namespace OpenDesk.Bench;

/// <summary>Programs a benchmark runs beside what it measures (terminals to photograph, a VNC server), their output drained.</summary>
internal static class HelperProcess
{
    public static Process Start(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(3000);
        }

        process.Dispose();
    }
}
