using System.Collections.ObjectModel;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// What a backend can do (spec §18): the server's HELLO <c>capabilities</c> and the result of
/// <c>system.capabilities</c>. Encodes to exactly five keys, because an upstream client discards a manifest
/// with any other key.
/// </summary>
public sealed record CapabilityManifest : IWireValue
{
    /// <summary>The manifest schema version; unrelated to the frame version <c>v</c>.</summary>
    public const string CurrentProtocolVersion = "0.1";

    private readonly IReadOnlyList<string> _capabilities = [];

    /// <summary>Capability strings of spec §18, kept sorted (ordinal) and without duplicates.</summary>
    public IReadOnlyList<string> Capabilities
    {
        get => _capabilities;
        init => _capabilities = [.. value.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>Per-capability limits, e.g. <c>{"display.stream": {"max_fps": 30}}</c>; values are msgpack tree values.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits { get; init; } =
        ReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>.Empty;

    public string ProtocolVersion { get; init; } = CurrentProtocolVersion;

    /// <summary>Names the implementation and OS, e.g. <c>local/linux</c>.</summary>
    public string Backend { get; init; } = "unknown";

    /// <summary>Free text for the controller's user; the server's <c>description.txt</c> overrides it in HELLO.</summary>
    public string Description { get; init; } = "";

    public bool Supports(string capability) => _capabilities.Contains(capability, StringComparer.Ordinal);

    public MsgMap ToMap()
    {
        var limits = new MsgMap(Limits.Count);
        foreach (var (capability, values) in Limits)
        {
            limits.Add(capability, Wire.Map(values));
        }

        return new MsgMap(5)
        {
            ["capabilities"] = Wire.Strings(Capabilities),
            ["limits"] = limits,
            ["protocol_version"] = ProtocolVersion,
            ["backend"] = Backend,
            ["description"] = Description,
        };
    }

    internal static CapabilityManifest FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "CapabilityManifest");

    internal static CapabilityManifest FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        var limits = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        foreach (var (capability, values) in r.OptionalMap("limits"))
        {
            limits[capability] = values as MsgMap ?? throw r.Error($"limits for {PyRepr.Format(capability)} must be a map, got {FieldReader.TypeName(values)}");
        }

        return new CapabilityManifest
        {
            // A capability this build does not know is one it cannot call usefully; dropping it keeps the
            // manifest usable when a newer server advertises more.
            Capabilities = r.StringList("capabilities").Where(OpenDesk.Protocol.Capabilities.IsKnown).ToList(),
            Limits = limits,
            ProtocolVersion = r.OptionalString("protocol_version", CurrentProtocolVersion),
            Backend = r.OptionalString("backend", "unknown"),
            Description = r.OptionalString("description", ""),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
