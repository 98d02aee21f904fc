using System.Collections.ObjectModel;
using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>
/// A node of the accessibility tree (spec §17 UIElement): the result of <c>ui.tree</c> and the target of
/// <c>ui.action</c>, where the backend finds the live element by role, name and bounds.
/// </summary>
/// <param name="Role">The accessibility role, e.g. <c>button</c> or <c>window</c>.</param>
public sealed record UIElement(string Role) : IWireValue
{
    /// <summary>
    /// How deep a decoded tree may nest. The type is recursive and arrives from the peer, so decoding must stop
    /// somewhere; 64 levels is far beyond the <c>max_depth</c> of 8 that <c>ui.tree</c> uses by default.
    /// </summary>
    public const int MaxDecodeDepth = 64;

    public string Name { get; init; } = "";

    public string? Value { get; init; }

    public Rect? Bounds { get; init; }

    public bool Focused { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>Actions the element supports, e.g. <c>click</c>.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    public IReadOnlyList<UIElement> Children { get; init; } = [];

    /// <summary>
    /// Backend hints as msgpack tree values; upstream macOS understands <c>{"menu_path": ["File", "Save"]}</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; } = ReadOnlyDictionary<string, object?>.Empty;

    internal MsgMap ToMap() => new(9)
    {
        ["role"] = Role,
        ["name"] = Name,
        ["value"] = Value,
        ["bounds"] = Bounds?.ToMap(),
        ["focused"] = Focused,
        ["enabled"] = Enabled,
        ["actions"] = Wire.Strings(Actions),
        ["children"] = Wire.List(Children, c => c.ToMap()),
        ["metadata"] = Wire.Map(Metadata),
    };

    internal static UIElement FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "UIElement");

    internal static UIElement FromMap(MsgMap map, string errorCode, string context) => Decode(map, errorCode, context, 1);

    private static UIElement Decode(MsgMap map, string errorCode, string context, int depth)
    {
        var r = new ValueReader(map, context, errorCode);
        if (depth > MaxDecodeDepth)
        {
            throw r.Error($"nests deeper than {MaxDecodeDepth} levels");
        }

        return new UIElement(r.RequiredString("role"))
        {
            Name = r.OptionalString("name", ""),
            Value = r.NullableString("value"),
            Bounds = r.Nullable("bounds", Rect.FromMap),
            Focused = r.OptionalBool("focused", false),
            Enabled = r.OptionalBool("enabled", true),
            Actions = r.StringList("actions"),
            Children = r.List("children", (child, code, childContext) => Decode(child, code, childContext, depth + 1)),
            Metadata = r.OptionalMap("metadata"),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
