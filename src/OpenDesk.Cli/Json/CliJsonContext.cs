using System.Text.Json.Serialization;
namespace OpenDesk.Cli.Json;

/// <summary>
/// Every shape the commands print with <c>--json</c>, serialized by generated code: the command is published
/// with native AOT, where reflection-based serialization has no metadata to work from.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<PeerListing>))]
[JsonSerializable(typeof(IReadOnlyList<SessionListing>))]
[JsonSerializable(typeof(IReadOnlyList<DiscoveredPeerListing>))]
[JsonSerializable(typeof(ConnectSummary))]
[JsonSerializable(typeof(ErrorReport))]
[JsonSerializable(typeof(ScreenshotResult))]
[JsonSerializable(typeof(ActionResult))]
[JsonSerializable(typeof(IReadOnlyList<WindowListing>))]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
