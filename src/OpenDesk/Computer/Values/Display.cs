using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>One monitor (spec §17 Display).</summary>
/// <param name="Id">Backend-specific display id, passed back as <c>display_id</c>.</param>
/// <param name="Bounds">Position and size in the logical desktop coordinate space.</param>
public sealed record Display(string Id, Rect Bounds) : IWireValue
{
    /// <summary>Physical pixels per logical pixel.</summary>
    public double ScaleFactor { get; init; } = 1.0;

    public bool Primary { get; init; }

    /// <summary>A human-readable name such as the output connector, when the backend knows one.</summary>
    public string? Name { get; init; }

    internal MsgMap ToMap() => new(5)
    {
        ["id"] = Id,
        ["bounds"] = Bounds.ToMap(),
        ["scale_factor"] = ScaleFactor,
        ["primary"] = Primary,
        ["name"] = Name,
    };

    internal static Display FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Display");

    internal static Display FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Display(r.RequiredString("id"), r.Required("bounds", Rect.FromMap))
        {
            ScaleFactor = r.OptionalDouble("scale_factor", 1.0),
            Primary = r.OptionalBool("primary", false),
            Name = r.NullableString("name"),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>
/// The <see cref="Pixmap.Format"/> values. The spec lists png, jpeg, raw_rgba and raw_rgb; webp is an
/// opendesk .NET extension that a client only receives when it asks for it.
/// </summary>
public static class PixmapFormat
{
    public const string Png = "png";
    public const string Jpeg = "jpeg";
    public const string Webp = "webp";

    /// <summary>Uncompressed, 4 bytes per pixel, row-major, no padding.</summary>
    public const string RawRgba = "raw_rgba";

    /// <summary>Uncompressed, 3 bytes per pixel, row-major, no padding.</summary>
    public const string RawRgb = "raw_rgb";

    internal static readonly IReadOnlySet<string> All = Wire.Set(Png, Jpeg, Webp, RawRgba, RawRgb);
}

/// <summary>
/// A captured image (spec §17 Pixmap). <see cref="Width"/>/<see cref="Height"/> are the image's pixels and
/// <see cref="LogicalWidth"/>/<see cref="LogicalHeight"/> the screen's logical size, so a point in the image
/// maps to input coordinates by dividing by <c>Width / LogicalWidth</c> (see <see cref="ToLogical"/>).
/// </summary>
/// <param name="Data">The encoded image bytes (or raw pixels for the raw formats).</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="LogicalWidth">Width of the captured area in logical (input) pixels.</param>
/// <param name="LogicalHeight">Height of the captured area in logical (input) pixels.</param>
public sealed record Pixmap(byte[] Data, int Width, int Height, int LogicalWidth, int LogicalHeight) : IWireValue
{
    /// <summary>One of <see cref="PixmapFormat"/>.</summary>
    public string Format { get; init; } = PixmapFormat.Png;

    public string? DisplayId { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double CapturedAt { get; init; } = Wire.Now();

    /// <summary>Maps a point in image pixels to logical (input) pixels; a zero logical size counts as scale 1.</summary>
    public Point ToLogical(Point imagePoint)
    {
        ArgumentNullException.ThrowIfNull(imagePoint);
        return new Point(imagePoint.X / Scale(Width, LogicalWidth), imagePoint.Y / Scale(Height, LogicalHeight));
    }

    private static double Scale(int pixels, int logical) => logical == 0 || pixels == 0 ? 1.0 : (double)pixels / logical;

    internal MsgMap ToMap() => new(8)
    {
        ["data"] = Data,
        ["format"] = Format,
        ["width"] = (long)Width,
        ["height"] = (long)Height,
        ["logical_width"] = (long)LogicalWidth,
        ["logical_height"] = (long)LogicalHeight,
        ["display_id"] = DisplayId,
        ["captured_at"] = CapturedAt,
    };

    internal static Pixmap FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "Pixmap");

    internal static Pixmap FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new Pixmap(
            r.RequiredBytes("data"),
            r.RequiredInt32("width"),
            r.RequiredInt32("height"),
            r.RequiredInt32("logical_width"),
            r.RequiredInt32("logical_height"))
        {
            // Not checked against PixmapFormat: an unknown format is still a well-formed image the caller may handle.
            Format = r.OptionalString("format", PixmapFormat.Png),
            DisplayId = r.NullableString("display_id"),
            CapturedAt = r.OptionalDouble("captured_at", Wire.Now()),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>One item of a <c>display.subscribe</c> stream (spec §17 DisplayFrame).</summary>
public sealed record DisplayFrame(Pixmap Pixmap) : IWireValue
{
    /// <summary>Counts from 0 within one stream.</summary>
    public int FrameNumber { get; init; }

    /// <summary>Whether the pixmap is a complete image; upstream backends send only keyframes.</summary>
    public bool Keyframe { get; init; } = true;

    internal MsgMap ToMap() => new(3)
    {
        ["pixmap"] = Pixmap.ToMap(),
        ["frame_number"] = (long)FrameNumber,
        ["keyframe"] = Keyframe,
    };

    internal static DisplayFrame FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "DisplayFrame");

    internal static DisplayFrame FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new DisplayFrame(r.Required("pixmap", Pixmap.FromMap))
        {
            FrameNumber = r.OptionalInt32("frame_number", 0),
            Keyframe = r.OptionalBool("keyframe", true),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
