using OpenDesk.Computer;
using OpenDesk.Protocol;
using static OpenDesk.Tests.Computer.WireAssert;

namespace OpenDesk.Tests.Computer;

public class ValueDecodingTests
{
    private const string P = ErrorCodes.Protocol;

    [Fact]
    public void Int_is_accepted_where_a_float_is_expected()
    {
        var point = Point.FromMap(Map(("x", 50L), ("y", -3L)), P);

        Assert.Equal(new Point(50, -3), point);
    }

    [Fact]
    public void Integral_float_is_accepted_where_an_int_is_expected()
    {
        var pixmap = Pixmap.FromMap(Map(("data", new byte[] { 1 }), ("width", 2.0), ("height", 3.0), ("logical_width", 4L), ("logical_height", 5L)), P);

        Assert.Equal((2, 3, 4, 5), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
    }

    [Fact]
    public void Non_integral_float_for_an_int_is_rejected()
    {
        var ex = Fails(() => ProcessInfo.FromMap(Map(("pid", 1.5), ("name", "x")), P));

        Assert.Contains("'pid'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_ignored()
    {
        var rect = Rect.FromMap(Map(("x", 1.0), ("y", 2.0), ("width", 3.0), ("height", 4.0), ("depth", 5.0), ("platform", "x")), P);

        Assert.Equal(new Rect(1, 2, 3, 4), rect);
    }

    [Fact]
    public void Missing_keys_with_defaults_get_them()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var pointer = PointerEvent.FromMap(Map(("action", "scroll"), ("point", Map(("x", 1L), ("y", 2L)))), P);
        var element = UIElement.FromMap(Map(("role", "button")), P);
        var display = Display.FromMap(Map(("id", "0"), ("bounds", Map(("x", 0L), ("y", 0L), ("width", 10L), ("height", 10L)))), P);
        var text = TextInput.FromMap(Map(("text", "hi")), P);
        var frame = DisplayFrame.FromMap(Map(("pixmap", Map(("data", Array.Empty<byte>()), ("width", 1L), ("height", 1L), ("logical_width", 1L), ("logical_height", 1L)))), P);

        Assert.Null(pointer.Button);
        Assert.Empty(pointer.Modifiers);
        Assert.Equal((0.0, 0.0), (pointer.Dx, pointer.Dy));
        Assert.True(pointer.Timestamp >= before);
        Assert.Equal(("", true, false), (element.Name, element.Enabled, element.Focused));
        Assert.Empty(element.Children);
        Assert.Empty(element.Metadata);
        Assert.Equal((1.0, false, null), (display.ScaleFactor, display.Primary, display.Name));
        Assert.Equal(20, text.IntervalMs);
        Assert.Equal((0, true, "png"), (frame.FrameNumber, frame.Keyframe, frame.Pixmap.Format));
    }

    [Fact]
    public void Nil_optionals_decode_as_null()
    {
        var window = Window.FromMap(Map(("id", "w"), ("title", "t"), ("app_name", "a"), ("pid", null), ("bounds", null), ("workspace", null)), P);

        Assert.Null(window.Pid);
        Assert.Null(window.Bounds);
        Assert.Null(window.Workspace);
    }

    [Fact]
    public void Manifest_from_a_js_server_fills_the_missing_keys()
    {
        var manifest = CapabilityManifest.FromMap(Map(("backend", "local"), ("description", "d")), P);

        Assert.Empty(manifest.Capabilities);
        Assert.Equal(("0.1", "local", "d"), (manifest.ProtocolVersion, manifest.Backend, manifest.Description));
    }

    [Fact]
    public void Manifest_drops_capabilities_this_build_does_not_know()
    {
        var manifest = CapabilityManifest.FromMap(Map(("capabilities", new List<object?> { "fs.read", "teleport", "display.capture" })), P);

        Assert.Equal(["display.capture", "fs.read"], manifest.Capabilities);
        Assert.True(manifest.Supports("fs.read"));
    }

    public static TheoryData<string> Types() => [.. ValueEncodingTestsTypes];

    private static readonly string[] ValueEncodingTestsTypes =
    [
        "Rect", "Display", "Pixmap", "Window", "Process", "UIElement", "PointerEvent", "KeyEvent", "TextInput",
        "ClipboardEntry", "ClipboardContents", "FileEntry", "CompletedCommand", "Environment", "Notification", "DisplayFrame",
    ];

    [Theory]
    [MemberData(nameof(Types))]
    public void Every_value_type_round_trips_through_the_wire(string type)
    {
        var map = ValueEncodingTests.Sample(type);
        var decoded = RoundTrip(map);
        MsgMap again = type switch
        {
            "Rect" => Rect.FromMap(decoded, P).ToMap(),
            "Display" => Display.FromMap(decoded, P).ToMap(),
            "Pixmap" => Pixmap.FromMap(decoded, P).ToMap(),
            "Window" => Window.FromMap(decoded, P).ToMap(),
            "Process" => ProcessInfo.FromMap(decoded, P).ToMap(),
            "UIElement" => UIElement.FromMap(decoded, P).ToMap(),
            "PointerEvent" => PointerEvent.FromMap(decoded, P).ToMap(),
            "KeyEvent" => KeyEvent.FromMap(decoded, P).ToMap(),
            "TextInput" => TextInput.FromMap(decoded, P).ToMap(),
            "ClipboardEntry" => ClipboardEntry.FromMap(decoded, P).ToMap(),
            "ClipboardContents" => ClipboardContents.FromMap(decoded, P).ToMap(),
            "FileEntry" => FileEntry.FromMap(decoded, P).ToMap(),
            "CompletedCommand" => CompletedCommand.FromMap(decoded, P).ToMap(),
            "Environment" => EnvironmentInfo.FromMap(decoded, P).ToMap(),
            "Notification" => Notification.FromMap(decoded, P).ToMap(),
            "DisplayFrame" => DisplayFrame.FromMap(decoded, P).ToMap(),
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };

        Assert.Equal(Hex(map), Hex(again));
    }

    [Fact]
    public void A_full_tree_round_trips()
    {
        var element = new UIElement("window")
        {
            Name = "Editor",
            Bounds = new Rect(0, 0, 800, 600),
            Actions = ["raise"],
            Metadata = new Dictionary<string, object?> { ["menu_path"] = new List<object?> { "File", "Save" } },
            Children = [new UIElement("button") { Name = "OK", Value = "v", Focused = true, Enabled = false }],
        };

        var decoded = UIElement.FromMap(RoundTrip(element.ToMap()), P);

        Assert.Equal(Hex(element.ToMap()), Hex(decoded.ToMap()));
        Assert.Equal("OK", Assert.Single(decoded.Children).Name);
    }

    [Fact]
    public void Missing_required_field_names_the_field_and_uses_the_given_code()
    {
        var ex = Fails(() => Window.FromMap(Map(("id", "w"), ("title", "t")), ErrorCodes.InvalidArgument), ErrorCodes.InvalidArgument);

        Assert.Equal("Window is missing required field 'app_name'", ex.Detail);
    }

    [Fact]
    public void Nested_errors_name_the_path()
    {
        var ex = Fails(() => PointerEvent.FromMap(Map(("action", "move"), ("point", Map(("x", 1.0)))), P));

        Assert.Equal("PointerEvent.point is missing required field 'y'", ex.Detail);
    }

    [Fact]
    public void List_item_errors_name_the_index()
    {
        var contents = Map(("entries", new List<object?> { Map(("mime_type", "text/plain"), ("data", new byte[] { 1 })), Map(("mime_type", "text/plain"), ("data", "not bytes")) }));

        var ex = Fails(() => ClipboardContents.FromMap(contents, P));

        Assert.Equal("ClipboardContents.entries[1] field 'data' must be bytes (bin), got str", ex.Detail);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("bin")]
    [InlineData("bool")]
    [InlineData("map")]
    public void Wrong_types_are_rejected(string mixUp)
    {
        Action decode = mixUp switch
        {
            "text" => () => Notification.FromMap(Map(("id", new byte[] { 0x61 }), ("title", "t")), P),
            "bin" => () => CompletedCommand.FromMap(Map(("returncode", 0L), ("stdout", "text"), ("stderr", Array.Empty<byte>())), P),
            "bool" => () => FileEntry.FromMap(Map(("path", "/a"), ("name", "a"), ("is_dir", 1L)), P),
            _ => () => DisplayFrame.FromMap(Map(("pixmap", new List<object?>())), P),
        };

        Fails(decode);
    }

    [Fact]
    public void Required_bool_missing_is_reported()
    {
        var ex = Fails(() => FileEntry.FromMap(Map(("path", "/a"), ("name", "a")), P));

        Assert.Equal("FileEntry is missing required field 'is_dir'", ex.Detail);
    }

    [Theory]
    [InlineData("action", "wiggle")]
    [InlineData("button", "thumb")]
    public void Pointer_enum_values_outside_the_spec_are_rejected(string key, string value)
    {
        var map = Map(("action", "down"), ("point", Map(("x", 0L), ("y", 0L))), ("button", "left"));
        map[key] = value;

        var ex = Fails(() => PointerEvent.FromMap(map, ErrorCodes.InvalidArgument), ErrorCodes.InvalidArgument);
        Assert.Contains($"'{value}'", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_modifier_is_rejected()
    {
        Fails(() => KeyEvent.FromMap(Map(("action", "down"), ("keysym", "a"), ("modifiers", new List<object?> { "hyper" })), P));
    }

    [Fact]
    public void Int_fields_out_of_int32_range_are_rejected()
    {
        var ex = Fails(() => TextInput.FromMap(Map(("text", "x"), ("interval_ms", 1L << 40)), P));

        Assert.Contains("out of range", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Ui_tree_depth_is_bounded()
    {
        MsgMap Nest(int levels)
        {
            var node = Map(("role", "leaf"));
            for (var i = 1; i < levels; i++)
            {
                node = Map(("role", "group"), ("children", new List<object?> { node }));
            }

            return node;
        }

        Assert.Equal("group", UIElement.FromMap(Nest(UIElement.MaxDecodeDepth), P).Role);
        var ex = Fails(() => UIElement.FromMap(Nest(UIElement.MaxDecodeDepth + 1), P));
        Assert.Contains("deeper than 64", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_limits_must_be_maps()
    {
        Fails(() => CapabilityManifest.FromMap(Map(("limits", Map(("display.stream", 30L)))), P));
    }
}
