using System.Diagnostics;
using System.Globalization;

namespace OpenDesk.Cli.Mcp;

/// <summary>How an outside program ended: its exit code, or null when it could not start or did not finish in time, and what it said.</summary>
internal sealed record ProgramOutcome(int? ExitCode, string Output)
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(30);

    public bool Succeeded => ExitCode == 0;

    /// <summary>How it ended in a few words, e.g. <c>exit 1: No MCP server found with name: opendesk</c>.</summary>
    public string Describe()
    {
        if (ExitCode is not { } code)
        {
            return Output;
        }

        var said = Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return said is null ? $"exit {code}" : $"exit {code}: {said}";
    }

    /// <summary>Runs <paramref name="program"/> quietly, its output kept for <see cref="Describe"/>, for at most 30 seconds.</summary>
    public static ProgramOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(info);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new ProgramOutcome(null, $"could not start: {ex.Message}");
        }

        if (process is null)
        {
            return new ProgramOutcome(null, "could not start");
        }

        using (process)
        {
            // A program that asks a question must not wait for an answer nobody gives.
            process.StandardInput.Close();

            // Drained together: reading one pipe to its end first could block on a program that fills the other.
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeLimit))
            {
                process.Kill(entireProcessTree: true);
                return new ProgramOutcome(null, string.Create(CultureInfo.InvariantCulture, $"did not finish within {TimeLimit.TotalSeconds} s"));
            }

            process.WaitForExit();
            return new ProgramOutcome(process.ExitCode, $"{stderr.Result}\n{stdout.Result}".Trim());
        }
    }
}
