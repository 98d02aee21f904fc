using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>A desktop notification (spec §17 Notification).</summary>
public sealed record Notification(string Id, string Title) : IWireValue
{
    public string Body { get; init; } = "";

    /// <summary>The application that posted it, when known.</summary>
    public string? App { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double Timestamp { get; init; } = Wire.Now();

    internal MsgMap ToMap() => new(5)
    {
        ["id"] = Id,
        ["title"] = Title,
        ["body"] = Body,
        ["app"] = App,
        ["timestamp"] = Timestamp,
    };

    internal static Notification FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Notification");

    internal static Notification FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Notification(r.RequiredString("id"), r.RequiredString("title"))
        {
            Body = r.OptionalString("body", ""),
            App = r.NullableString("app"),
            Timestamp = r.OptionalDouble("timestamp", Wire.Now()),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
