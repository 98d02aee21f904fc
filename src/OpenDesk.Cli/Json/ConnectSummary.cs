namespace OpenDesk.Cli.Json;

/// <summary>What <c>opendesk connect --json</c> prints about the machine it reached.</summary>
/// <param name="Screenshot">The screenshot <c>--screenshot</c> saved, or null.</param>
internal sealed record ConnectSummary(string Peer, string Backend, IReadOnlyList<string> Capabilities, string Description, SavedScreenshot? Screenshot = null);

/// <summary>An image a command wrote: the full path, its encoding and its size in pixels.</summary>
internal sealed record SavedScreenshot(string Path, string Format, int Width, int Height);
