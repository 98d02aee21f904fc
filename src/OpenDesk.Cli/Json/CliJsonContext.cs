using System.Text.Json.Serialization;
using OpenDesk.Server.Admin;

namespace OpenDesk.Cli.Json;

/// <summary>
/// Every shape the commands print with <c>--json</c>, serialized by generated code: the command is published
/// with native AOT, where reflection-based serialization has no metadata to work from.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<PeerListing>))]
[JsonSerializable(typeof(IReadOnlyList<AdminSession>))]
[JsonSerializable(typeof(IReadOnlyList<DiscoveredPeerListing>))]
[JsonSerializable(typeof(ConnectSummary))]
[JsonSerializable(typeof(ErrorReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
