using System.Text.Json.Serialization;

namespace OpenDesk.Cli.Json;

/// <summary>
/// What <c>opendesk screenshot --json</c> prints: the file, its encoding and pixel size, and the screen's logical size,
/// the space <c>opendesk click</c> takes its coordinates in.
/// </summary>
internal sealed record ScreenshotResult(string Path, string Format, int Width, int Height, int LogicalWidth, int LogicalHeight);

/// <summary>What <c>click</c>, <c>type</c> and <c>key</c> print with <c>--json</c>: the action done and only its own particulars.</summary>
internal sealed record ActionResult(string Action)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? X { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Y { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Button { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Count { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Characters { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Modifiers { get; init; }
}

/// <summary>One window as <c>opendesk windows --json</c> prints it (spec §17 Window).</summary>
internal sealed record WindowListing(string Id, string Title, string AppName, int? Pid, Bounds? Bounds, bool Focused, bool Minimized, string? Workspace);

/// <summary>A rectangle in logical pixels.</summary>
internal sealed record Bounds(double X, double Y, double Width, double Height);

/// <summary>What <c>opendesk run --json</c> prints: the exit code and the output as UTF-8 text.</summary>
internal sealed record RunResult(int Returncode, string Stdout, string Stderr, double Duration);
