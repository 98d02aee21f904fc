using System.Text.Json;
using OpenDesk.Computer;
using OpenDesk.Protocol;

namespace OpenDesk.Tests.Computer;

public class ValueEncodingTests
{
    private static readonly byte[] OnePixelPng = Convert.FromHexString(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415478da63f8ffff3f0005fe02fe331295140000000049454e44ae426082");

    [Fact]
    public void Point_with_whole_coordinates_still_encodes_float64()
    {
        Assert.Equal("82a178cb4049000000000000a179cb404e000000000000", WireAssert.Hex(new Point(50, 60).ToMap()));
    }

    [Fact]
    public void Value_types_can_be_put_into_maps_directly()
    {
        var map = new MsgMap { ["p"] = new Point(50, 60) };

        Assert.Equal("81a170" + "82a178cb4049000000000000a179cb404e000000000000", WireAssert.Hex(map));
    }

    [Fact]
    public void Pixmap_matches_the_frames_vector_byte_for_byte()
    {
        var pixmap = new Pixmap(OnePixelPng, 1, 1, 1, 1) { CapturedAt = 1710000000.25 };

        Assert.Equal(VectorHex("unary RES with a Pixmap", "result"), WireAssert.Hex(pixmap.ToMap()));
    }

    [Fact]
    public void DisplayFrame_matches_the_stream_item_vector()
    {
        var frame = new DisplayFrame(new Pixmap(OnePixelPng, 1, 1, 1, 1) { CapturedAt = 1710000000.25 }) { FrameNumber = 1 };

        Assert.Equal(VectorHex("streaming RES item seq 1", "result"), WireAssert.Hex(frame.ToMap()));
    }

    [Fact]
    public void PointerEvent_matches_the_request_vector()
    {
        var pointer = new PointerEvent(PointerAction.Down, new Point(812, 410.5))
        {
            Button = PointerButton.Left,
            Modifiers = [Modifier.Shift],
            Timestamp = 1710000000.5,
        };

        var expected = WireAssert.Hex(((MsgMap)Vector("unary REQ with nested params and floats", "params")!)["event"]);
        Assert.Equal(expected, WireAssert.Hex(pointer.ToMap()));
    }

    [Fact]
    public void Manifest_matches_the_server_hello_vector()
    {
        var manifest = new CapabilityManifest
        {
            Capabilities = ["input.text", "input.pointer", "display.stream", "display.capture", "input.keyboard", "input.text"],
            Limits = new Dictionary<string, IReadOnlyDictionary<string, object?>> { ["display.stream"] = new Dictionary<string, object?> { ["max_fps"] = 30L } },
            Backend = "local/linux",
            Description = "billing machine — 2nd floor",
        };

        Assert.Equal(VectorHex("server HELLO with a CapabilityManifest", "capabilities"), WireAssert.Hex(manifest.ToMap()));
    }

    [Fact]
    public void Manifest_has_exactly_five_keys_with_sorted_unique_capabilities()
    {
        var manifest = new CapabilityManifest { Capabilities = ["fs.write", "fs.read", "fs.write", "clipboard.read"] };
        var map = manifest.ToMap();

        Assert.Equal(["capabilities", "limits", "protocol_version", "backend", "description"], map.Keys);
        Assert.Equal(["clipboard.read", "fs.read", "fs.write"], (List<object?>)map["capabilities"]!);
        Assert.Equal("0.1", map["protocol_version"]);
        Assert.Equal("unknown", map["backend"]);
        Assert.Equal("", map["description"]);
        Assert.Empty((MsgMap)map["limits"]!);
    }

    public static TheoryData<string, string[]> KeyOrders() => new()
    {
        { "Rect", ["x", "y", "width", "height"] },
        { "Display", ["id", "bounds", "scale_factor", "primary", "name"] },
        { "Pixmap", ["data", "format", "width", "height", "logical_width", "logical_height", "display_id", "captured_at"] },
        { "Window", ["id", "title", "app_name", "pid", "bounds", "focused", "minimized", "workspace"] },
        { "Process", ["pid", "name", "ppid", "cmdline"] },
        { "UIElement", ["role", "name", "value", "bounds", "focused", "enabled", "actions", "children", "metadata"] },
        { "PointerEvent", ["action", "point", "button", "modifiers", "dx", "dy", "pressure", "tilt_x", "tilt_y", "timestamp"] },
        { "KeyEvent", ["action", "keysym", "char", "scancode", "modifiers", "is_repeat", "timestamp"] },
        { "TextInput", ["text", "interval_ms"] },
        { "ClipboardEntry", ["mime_type", "data"] },
        { "ClipboardContents", ["entries"] },
        { "FileEntry", ["path", "name", "is_dir", "size", "mtime", "mode"] },
        { "CompletedCommand", ["returncode", "stdout", "stderr", "duration"] },
        { "Environment", ["os", "os_version", "hostname", "locale", "timezone", "displays"] },
        { "Notification", ["id", "title", "body", "app", "timestamp"] },
        { "DisplayFrame", ["pixmap", "frame_number", "keyframe"] },
    };

    [Theory]
    [MemberData(nameof(KeyOrders))]
    public void Every_value_type_emits_exactly_the_spec_keys_in_order(string type, string[] keys)
    {
        Assert.Equal(keys, Sample(type).Keys);
    }

    [Fact]
    public void Empty_optionals_are_nil_and_defaults_are_emitted()
    {
        var window = new Window("w1", "Title", "App").ToMap();

        Assert.Null(window["pid"]);
        Assert.Null(window["bounds"]);
        Assert.Null(window["workspace"]);
        Assert.Equal(false, window["focused"]);
        Assert.True(window.ContainsKey("workspace"));
    }

    [Fact]
    public void Float_fields_are_float64_and_int_fields_are_ints()
    {
        var file = new FileEntry("/a", "a", false) { Size = 300, Mtime = 2, Mode = 0x81a4 }.ToMap();
        var command = new CompletedCommand(0, [], []) { Duration = 1 }.ToMap();
        var display = new Display("0", new Rect(0, 0, 1, 1)).ToMap();

        Assert.IsType<long>(file["size"]);
        Assert.IsType<double>(file["mtime"]);
        Assert.IsType<long>(file["mode"]);
        Assert.Equal("cb3ff0000000000000", WireAssert.Hex(command["duration"]));
        Assert.Equal("cb3ff0000000000000", WireAssert.Hex(display["scale_factor"]));
        Assert.Equal("cd012c", WireAssert.Hex(file["size"]));
    }

    [Fact]
    public void Bytes_are_bin_and_text_is_str()
    {
        var entry = new ClipboardEntry("text/plain", [0x68, 0x69]).ToMap();

        Assert.Equal("82a96d696d655f74797065aa746578742f706c61696ea464617461c4026869", WireAssert.Hex(entry));
    }

    [Fact]
    public void Timestamps_default_to_now_in_epoch_seconds()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

        Assert.InRange(new KeyEvent(KeyAction.Down, "a").Timestamp, now - 5, now + 5);
        Assert.InRange(new Notification("n", "t").Timestamp, now - 5, now + 5);
        Assert.InRange(new Pixmap([], 1, 1, 1, 1).CapturedAt, now - 5, now + 5);
    }

    [Fact]
    public void Clipboard_text_helpers_use_the_first_text_entry_as_utf8()
    {
        var contents = new ClipboardContents
        {
            Entries = [new ClipboardEntry("image/png", [1]), new ClipboardEntry("text/html", "<b>é</b>"u8.ToArray()), new ClipboardEntry(ClipboardEntry.TextMimeType, "x"u8.ToArray())],
        };

        Assert.Equal("<b>é</b>", contents.Text);
        Assert.Null(new ClipboardContents().Text);
        var fromText = ClipboardContents.FromText("héllo");
        Assert.Equal("text/plain;charset=utf-8", Assert.Single(fromText.Entries).MimeType);
        Assert.Equal("héllo", fromText.Text);
    }

    [Fact]
    public void Pixmap_maps_image_pixels_to_logical_pixels()
    {
        var pixmap = new Pixmap([], 1920, 1080, 3840, 2160);

        Assert.Equal(new Point(200, 100), pixmap.ToLogical(new Point(100, 50)));
        Assert.Equal(new Point(7, 8), new Pixmap([], 10, 10, 0, 0).ToLogical(new Point(7, 8)));
    }

    internal static MsgMap Sample(string type) => type switch
    {
        "Rect" => new Rect(1, 2, 3, 4).ToMap(),
        "Display" => new Display("0", new Rect(0, 0, 1920, 1080)).ToMap(),
        "Pixmap" => new Pixmap([1], 1, 1, 1, 1).ToMap(),
        "Window" => new Window("w", "t", "a").ToMap(),
        "Process" => new ProcessInfo(1, "init").ToMap(),
        "UIElement" => new UIElement("button").ToMap(),
        "PointerEvent" => new PointerEvent(PointerAction.Move, new Point(1, 2)).ToMap(),
        "KeyEvent" => new KeyEvent(KeyAction.Down, "a").ToMap(),
        "TextInput" => new TextInput("hi").ToMap(),
        "ClipboardEntry" => new ClipboardEntry("text/plain", []).ToMap(),
        "ClipboardContents" => new ClipboardContents().ToMap(),
        "FileEntry" => new FileEntry("/a", "a", false).ToMap(),
        "CompletedCommand" => new CompletedCommand(0, [], []).ToMap(),
        "Environment" => new EnvironmentInfo("linux").ToMap(),
        "Notification" => new Notification("n", "t").ToMap(),
        "DisplayFrame" => new DisplayFrame(new Pixmap([1], 1, 1, 1, 1)).ToMap(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static string VectorHex(string descriptionPrefix, string field) => WireAssert.Hex(Vector(descriptionPrefix, field));

    private static object? Vector(string descriptionPrefix, string field)
    {
        using var doc = VectorFiles.Load("frames.json");
        var entry = doc.RootElement.EnumerateArray().Single(e => e.GetProperty("description").GetString()!.StartsWith(descriptionPrefix, StringComparison.Ordinal));
        return VectorFiles.ToTree(entry.GetProperty("object").GetProperty(field));
    }
}
