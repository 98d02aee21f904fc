using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>A position in logical pixels (spec §17 Point).</summary>
/// <param name="X">Horizontal position; always encoded as float64.</param>
/// <param name="Y">Vertical position; always encoded as float64.</param>
public sealed record Point(double X, double Y) : IWireValue
{
    internal MsgMap ToMap() => new(2) { ["x"] = X, ["y"] = Y };

    internal static Point FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Point");

    internal static Point FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Point(r.RequiredDouble("x"), r.RequiredDouble("y"));
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>An axis-aligned rectangle in logical pixels (spec §17 Rect).</summary>
public sealed record Rect(double X, double Y, double Width, double Height) : IWireValue
{
    internal MsgMap ToMap() => new(4) { ["x"] = X, ["y"] = Y, ["width"] = Width, ["height"] = Height };

    internal static Rect FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Rect");

    internal static Rect FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Rect(r.RequiredDouble("x"), r.RequiredDouble("y"), r.RequiredDouble("width"), r.RequiredDouble("height"));
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
