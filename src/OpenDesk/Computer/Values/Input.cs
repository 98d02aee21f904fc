using OpenDesk.Protocol;

namespace OpenDesk.Computer;

/// <summary>The <see cref="PointerEvent.Action"/> values.</summary>
public static class PointerAction
{
    public const string Move = "move";
    public const string Down = "down";
    public const string Up = "up";

    /// <summary>Wheel or trackpad scroll by <see cref="PointerEvent.Dx"/>/<see cref="PointerEvent.Dy"/>.</summary>
    public const string Scroll = "scroll";

    internal static readonly IReadOnlySet<string> All = Wire.Set(Move, Down, Up, Scroll);
}

/// <summary>The <see cref="KeyEvent.Action"/> values.</summary>
public static class KeyAction
{
    public const string Down = "down";
    public const string Up = "up";

    internal static readonly IReadOnlySet<string> All = Wire.Set(Down, Up);
}

/// <summary>The PointerButton enum of spec §17.</summary>
public static class PointerButton
{
    public const string Left = "left";
    public const string Right = "right";
    public const string Middle = "middle";
    public const string X1 = "x1";
    public const string X2 = "x2";

    internal static readonly IReadOnlySet<string> All = Wire.Set(Left, Right, Middle, X1, X2);
}

/// <summary>The Modifier enum of spec §17. A modifier key is also sent as a KeyEvent whose keysym is one of these.</summary>
public static class Modifier
{
    public const string Shift = "shift";
    public const string Ctrl = "ctrl";
    public const string Alt = "alt";

    /// <summary>Cmd on macOS, the Windows key on Windows, Super on Linux.</summary>
    public const string Meta = "meta";
    public const string Fn = "fn";
    public const string CapsLock = "caps_lock";

    internal static readonly IReadOnlySet<string> All = Wire.Set(Shift, Ctrl, Alt, Meta, Fn, CapsLock);
}

/// <summary>One pointer event (spec §17 PointerEvent): an item of <c>input.pointer</c> and <c>input.subscribe</c>.</summary>
/// <param name="Action">One of <see cref="PointerAction"/>.</param>
/// <param name="Point">Where, in logical pixels.</param>
public sealed record PointerEvent(string Action, Point Point) : IWireValue
{
    /// <summary>One of <see cref="PointerButton"/>; needed for down and up.</summary>
    public string? Button { get; init; }

    /// <summary>Members of <see cref="Modifier"/> held during the event.</summary>
    public IReadOnlyList<string> Modifiers { get; init; } = [];

    /// <summary>Horizontal scroll delta: clicks for wheels, pixels for trackpads.</summary>
    public double Dx { get; init; }

    /// <summary>Vertical scroll delta: clicks for wheels, pixels for trackpads.</summary>
    public double Dy { get; init; }

    public double? Pressure { get; init; }

    public double? TiltX { get; init; }

    public double? TiltY { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double Timestamp { get; init; } = Wire.Now();

    internal MsgMap ToMap() => new(10)
    {
        ["action"] = Action,
        ["point"] = Point.ToMap(),
        ["button"] = Button,
        ["modifiers"] = Wire.Strings(Modifiers),
        ["dx"] = Dx,
        ["dy"] = Dy,
        ["pressure"] = Pressure,
        ["tilt_x"] = TiltX,
        ["tilt_y"] = TiltY,
        ["timestamp"] = Timestamp,
    };

    internal static PointerEvent FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "PointerEvent");

    internal static PointerEvent FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new PointerEvent(r.RequiredEnum("action", PointerAction.All), r.Required("point", Point.FromMap))
        {
            Button = r.NullableEnum("button", PointerButton.All),
            Modifiers = r.StringList("modifiers", Modifier.All),
            Dx = r.OptionalDouble("dx", 0.0),
            Dy = r.OptionalDouble("dy", 0.0),
            Pressure = r.NullableDouble("pressure"),
            TiltX = r.NullableDouble("tilt_x"),
            TiltY = r.NullableDouble("tilt_y"),
            Timestamp = r.OptionalDouble("timestamp", Wire.Now()),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>One key event (spec §17 KeyEvent): an item of <c>input.key</c> and <c>input.subscribe</c>.</summary>
/// <param name="Action">One of <see cref="KeyAction"/>.</param>
/// <param name="Keysym">A normalised key name such as <c>return</c>, <c>escape</c>, <c>a</c> or <c>f5</c>; a modifier key uses its <see cref="Modifier"/> value.</param>
public sealed record KeyEvent(string Action, string Keysym) : IWireValue
{
    /// <summary>The text the key produces, when known.</summary>
    public string? Char { get; init; }

    public int? Scancode { get; init; }

    /// <summary>Members of <see cref="Modifier"/> held during the event.</summary>
    public IReadOnlyList<string> Modifiers { get; init; } = [];

    public bool IsRepeat { get; init; }

    /// <summary>Epoch seconds.</summary>
    public double Timestamp { get; init; } = Wire.Now();

    internal MsgMap ToMap() => new(7)
    {
        ["action"] = Action,
        ["keysym"] = Keysym,
        ["char"] = Char,
        ["scancode"] = (long?)Scancode,
        ["modifiers"] = Wire.Strings(Modifiers),
        ["is_repeat"] = IsRepeat,
        ["timestamp"] = Timestamp,
    };

    internal static KeyEvent FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "KeyEvent");

    internal static KeyEvent FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new KeyEvent(r.RequiredEnum("action", KeyAction.All), r.RequiredString("keysym"))
        {
            Char = r.NullableString("char"),
            Scancode = r.NullableInt32("scancode"),
            Modifiers = r.StringList("modifiers", Modifier.All),
            IsRepeat = r.OptionalBool("is_repeat", false),
            Timestamp = r.OptionalDouble("timestamp", Wire.Now()),
        };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}

/// <summary>Text to type (spec §17 TextInput, the <c>text_input</c> param of <c>input.text</c>).</summary>
public sealed record TextInput(string Text) : IWireValue
{
    /// <summary>A hint for the delay between synthesised keystrokes; backends that paste ignore it.</summary>
    public int IntervalMs { get; init; } = 20;

    internal MsgMap ToMap() => new(2) { ["text"] = Text, ["interval_ms"] = (long)IntervalMs };

    internal static TextInput FromMap(MsgMap map, string errorCode) => FromMap(map, errorCode, "TextInput");

    internal static TextInput FromMap(MsgMap map, string errorCode, string context)
    {
        var r = new ValueReader(map, context, errorCode);
        return new TextInput(r.RequiredString("text")) { IntervalMs = r.OptionalInt32("interval_ms", 20) };
    }

    void IWireValue.WriteTo(MsgPackWriter writer) => writer.WriteValue(ToMap());
}
