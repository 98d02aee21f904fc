namespace OpenDesk.Cli.Json;

/// <summary>What a command given <c>--json</c> prints on stdout when it fails, so stdout always holds one JSON document.</summary>
internal sealed record ErrorReport(ErrorDetail Error);

/// <param name="Code">A wire error code (<c>busy</c>, <c>not_found</c>…), a handshake reason, or <c>failed</c>, <c>evicted</c>, <c>io</c>.</param>
/// <param name="Message">The text of the ERROR line.</param>
/// <param name="ExitCode">The command's exit status.</param>
internal sealed record ErrorDetail(string Code, string Message, int ExitCode);
