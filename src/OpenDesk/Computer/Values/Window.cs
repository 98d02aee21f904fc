using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>A top-level window (spec §17 Window).</summary>
/// <param name="Id">Backend-specific window id, passed back as <c>window_id</c>.</param>
/// <param name="Title">The window title; may be empty.</param>
/// <param name="AppName">The owning application's name.</param>
public sealed record Window(string Id, string Title, string AppName) : IWireValue
{
    public int? Pid { get; init; }

    /// <summary>Position and size in logical pixels, when known.</summary>
    public Rect? Bounds { get; init; }

    public bool Focused { get; init; }

    public bool Minimized { get; init; }

    /// <summary>The virtual desktop or workspace the window is on, when the platform has them.</summary>
    public string? Workspace { get; init; }

    internal MsgMap ToMap() => new(8)
    {
        ["id"] = Id,
        ["title"] = Title,
        ["app_name"] = AppName,
        ["pid"] = (long?)Pid,
        ["bounds"] = Bounds?.ToMap(),
        ["focused"] = Focused,
        ["minimized"] = Minimized,
        ["workspace"] = Workspace,
    };

    internal static Window FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Window");

    internal static Window FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Window(r.RequiredString("id"), r.RequiredString("title"), r.RequiredString("app_name"))
        {
            Pid = r.NullableInt32("pid"),
            Bounds = r.Nullable("bounds", Rect.FromMap),
            Focused = r.OptionalBool("focused", false),
            Minimized = r.OptionalBool("minimized", false),
            Workspace = r.NullableString("workspace"),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
