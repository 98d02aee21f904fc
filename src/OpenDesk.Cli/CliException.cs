namespace OpenDesk.Cli;

/// <summary>
/// An expected failure a command reports as one <c>ERROR:</c> line, with the exit status it calls for; a usage
/// error also shows the command's usage.
/// </summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public bool IsUsage => ExitCode == ExitCodes.Usage;

    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
