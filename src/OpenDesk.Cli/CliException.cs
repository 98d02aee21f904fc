namespace OpenDesk.Cli;

/// <summary>
/// An expected failure a command reports as one <c>ERROR:</c> line, with the exit status it calls for; a usage
/// error also shows the command's usage.
/// </summary>
internal sealed class CliException(string message, int exitCode = ExitCodes.Failure, Exception? inner = null, string code = "failed") : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>What <c>--json</c> reports as the error's code: a reason code when one applies, else <c>failed</c>.</summary>
    public string Code { get; } = code;

    public bool IsUsage => ExitCode == ExitCodes.Usage;

    public static CliException Usage(string message) => new(message, ExitCodes.Usage);
}
