using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using static OpenDesk.Tests.Computer.WireAssert;

namespace OpenDesk.Tests.Computer;

public class ComputerDispatcherTests
{
    private readonly RecordingComputer _computer = new();

    private ComputerDispatcher Dispatcher => new(_computer);

    private static ComputerDispatcher Headless => new(new HeadlessComputer());

    [Fact]
    public async Task Unknown_method_is_capability_unsupported_with_upstream_wording()
    {
        var error = await WireError(() => Headless.InvokeAsync("foo.bar", new MsgMap(), default).AsTask());

        Assert.Equal(ErrorCodes.CapabilityUnsupported, error.Code);
        Assert.Equal("Capability 'display.capture' is not supported by backend server (unknown method 'foo.bar').", error.Message);
        Assert.Equal(["capability", "backend"], error.Details.Keys);
        Assert.Equal("display.capture", error.Details["capability"]);
        Assert.Equal("server (unknown method 'foo.bar')", error.Details["backend"]);
    }

    [Fact]
    public async Task Unknown_ui_method_reports_ui_tree()
    {
        var error = await WireError(() => Headless.InvokeAsync("ui.hover", new MsgMap(), default).AsTask());

        Assert.Equal("Capability 'ui.tree' is not supported by backend server (unknown method 'ui.hover').", error.Message);
        Assert.Equal("ui.tree", error.Details["capability"]);
        Assert.Equal("server (unknown method 'ui.hover')", error.Details["backend"]);
    }

    [Fact]
    public async Task Stream_method_called_as_unary_is_an_unknown_method()
    {
        var error = await WireError(() => Headless.InvokeAsync("display.subscribe", new MsgMap(), default).AsTask());

        Assert.Equal("Capability 'display.capture' is not supported by backend server (unknown method 'display.subscribe').", error.Message);
    }

    [Theory]
    [InlineData("foo.stream")]
    [InlineData("display.capture")]
    public async Task Unknown_stream_or_unary_method_as_stream_is_an_unknown_stream(string method)
    {
        var error = await WireError(() => Drain(Headless.StreamAsync(method, new MsgMap(), default)));

        Assert.Equal(ErrorCodes.CapabilityUnsupported, error.Code);
        Assert.Equal($"Capability 'display.stream' is not supported by backend server (unknown stream '{method}').", error.Message);
        Assert.Equal("display.stream", error.Details["capability"]);
        Assert.Equal($"server (unknown stream '{method}')", error.Details["backend"]);
    }

    [Theory]
    [InlineData("display.capture", "display.capture")]
    [InlineData("display.displays", "display.capture")]
    [InlineData("input.pointer", "input.pointer")]
    [InlineData("input.key", "input.keyboard")]
    [InlineData("windows.move", "windows.manipulate")]
    [InlineData("apps.list", "app.lifecycle")]
    [InlineData("ui.perform", "ui.actions")]
    [InlineData("fs.read", "fs.read")]
    [InlineData("process.exec", "process.spawn")]
    [InlineData("system.lock", "power.lock")]
    [InlineData("notifications.list", "notifications.list")]
    public async Task Headless_reports_the_capability_of_the_method(string method, string capability)
    {
        var error = await WireError(() => Headless.InvokeAsync(method, ValidParams(method), default).AsTask());

        Assert.Equal(ErrorCodes.CapabilityUnsupported, error.Code);
        Assert.Equal(capability, error.Details["capability"]);
        Assert.Equal($"local/{HostEnvironment.OsName}", error.Details["backend"]);
        Assert.Equal($"Capability '{capability}' is not supported by backend local/{HostEnvironment.OsName}.", error.Message);
    }

    [Theory]
    [InlineData("display.subscribe", "display.stream")]
    [InlineData("input.subscribe", "input.pointer")]
    public async Task Headless_streams_report_their_capability(string method, string capability)
    {
        var error = await WireError(() => Drain(Headless.StreamAsync(method, new MsgMap(), default)));

        Assert.Equal(capability, error.Details["capability"]);
    }

    [Fact]
    public async Task Headless_environment_is_this_machine()
    {
        var result = await Headless.InvokeAsync("system.environment", new MsgMap(), default);
        var environment = EnvironmentInfo.FromMap(RoundTrip(result!), ErrorCodes.Protocol);

        Assert.Equal(["os", "os_version", "hostname", "locale", "timezone", "displays"], result!.Keys);
        Assert.Equal(HostEnvironment.OsName, environment.Os);
        Assert.NotEmpty(environment.Os);
        Assert.NotEmpty(environment.Hostname);
        Assert.NotEmpty(environment.OsVersion);
        Assert.NotEmpty(environment.Timezone);
        Assert.Empty(environment.Displays);
    }

    [Fact]
    public async Task Headless_advertises_nothing()
    {
        var result = await Headless.InvokeAsync("system.capabilities", new MsgMap(), default);

        Assert.Equal(["capabilities", "limits", "protocol_version", "backend", "description"], result!.Keys);
        Assert.Empty((List<object?>)result["capabilities"]!);
        Assert.Equal($"local/{HostEnvironment.OsName}", result["backend"]);
    }

    [Fact]
    public async Task Manifest_lists_what_the_backend_supports_with_limits()
    {
        var result = await Dispatcher.InvokeAsync("system.capabilities", new MsgMap(), default);

        Assert.Equal(["display.capture", "display.stream", "ui.actions"], (List<object?>)result!["capabilities"]!);
        Assert.Equal(30L, ((MsgMap)((MsgMap)result["limits"]!)["display.stream"]!)["max_fps"]);
    }

    [Fact]
    public async Task Environment_lists_the_backends_displays()
    {
        var environment = await _computer.EnvironmentAsync();

        Assert.Equal("0", Assert.Single(environment.Displays).Id);
    }

    [Theory]
    [InlineData("fs.read", "path")]
    [InlineData("windows.focus", "window_id")]
    [InlineData("input.pointer", "event")]
    [InlineData("input.text", "text_input")]
    [InlineData("ui.perform", "element")]
    [InlineData("clipboard.write", "contents")]
    [InlineData("process.exec", "argv")]
    [InlineData("fs.move", "dst")]
    public async Task Missing_required_param_is_invalid_argument(string method, string key)
    {
        var parameters = ValidParams(method);
        parameters.Remove(key);

        var error = await WireError(() => Headless.InvokeAsync(method, parameters, default).AsTask());

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Equal($"missing required parameter '{key}'", error.Message);
    }

    [Fact]
    public async Task Nil_required_param_counts_as_missing()
    {
        var error = await WireError(() => Headless.InvokeAsync("fs.stat", Map(("path", null)), default).AsTask());

        Assert.Equal("missing required parameter 'path'", error.Message);
    }

    [Fact]
    public async Task Malformed_nested_param_is_invalid_argument_naming_the_field()
    {
        var parameters = Map(("event", Map(("action", "down"), ("point", Map(("x", 1L))))));

        var error = await WireError(() => Headless.InvokeAsync("input.pointer", parameters, default).AsTask());

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Equal("params.event.point is missing required field 'y'", error.Message);
    }

    [Fact]
    public async Task Wrong_param_type_is_invalid_argument()
    {
        var error = await WireError(() => Headless.InvokeAsync("fs.read", Map(("path", 7L)), default).AsTask());

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Contains("'path'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ui_perform_alias_calls_ui_action_with_defaults()
    {
        var result = await Dispatcher.InvokeAsync("ui.perform", Map(("element", Map(("role", "button"), ("name", "OK")))), default);

        Assert.Null(result);
        Assert.Equal(("button", "OK", "click", null), (_computer.Element!.Role, _computer.Element.Name, _computer.Action, _computer.App));
    }

    [Fact]
    public async Task System_lock_alias_calls_lock()
    {
        Assert.Null(await Dispatcher.InvokeAsync("system.lock", new MsgMap(), default));
        Assert.Equal(1, _computer.Locks);
    }

    [Fact]
    public async Task Capture_defaults_and_extra_params_are_ignored()
    {
        var result = await Dispatcher.InvokeAsync("display.capture", Map(("future_key", "x")), default);

        Assert.Equal((null, null, true, null, null), _computer.Capture);
        Assert.Equal(["data", "format", "width", "height", "logical_width", "logical_height", "display_id", "captured_at"], result!.Keys);
    }

    [Fact]
    public async Task Capture_passes_region_format_and_quality()
    {
        var parameters = Map(("display_id", "1"), ("region", Map(("x", 1L), ("y", 2L), ("width", 3L), ("height", 4L))), ("downscale", false), ("format", "jpeg"), ("quality", 80L));

        await Dispatcher.InvokeAsync("display.capture", parameters, default);

        Assert.Equal(("1", new Rect(1, 2, 3, 4), false, "jpeg", 80), _computer.Capture);
    }

    [Theory]
    [InlineData("format", "gif", "parameter 'format' must be one of jpeg, png, raw_rgb, raw_rgba, webp, got 'gif'")]
    [InlineData("quality", 101L, "parameter 'quality' must be between 0 and 100, got 101")]
    public async Task Capture_rejects_unknown_format_and_quality(string key, object value, string message)
    {
        var error = await WireError(() => Dispatcher.InvokeAsync("display.capture", Map((key, value)), default).AsTask());

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("text", "a map with keys 'text'")]
    [InlineData(null, "an empty map")]
    public async Task Clipboard_write_of_another_shape_names_the_expected_one_and_writes_nothing(string? key, string got)
    {
        var contents = key is null ? new MsgMap() : Map((key, "hello"));

        var error = await WireError(() => Dispatcher.InvokeAsync("clipboard.write", Map(("contents", contents)), default).AsTask());

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Equal($"parameter 'contents' must be a ClipboardContents map {{'entries': [{{'mime_type': str, 'data': bytes}}, ...]}}, got {got}", error.Message);
        Assert.Null(_computer.Clipboard);
    }

    [Fact]
    public async Task Clipboard_write_takes_entries_and_an_empty_list_of_them_to_clear_it()
    {
        await Dispatcher.InvokeAsync("clipboard.write", Map(("contents", ClipboardContents.FromText("hé").ToMap())), default);
        Assert.Equal("hé", _computer.Clipboard!.Text);

        await Dispatcher.InvokeAsync("clipboard.write", Map(("contents", Map(("entries", new List<object?>())))), default);
        Assert.Empty(_computer.Clipboard!.Entries);
    }

    [Fact]
    public async Task List_results_are_wrapped_in_items()
    {
        var apps = await Dispatcher.InvokeAsync("apps.list", new MsgMap(), default);
        var displays = await Dispatcher.InvokeAsync("display.displays", new MsgMap(), default);

        Assert.Equal("81a56974656d7392a3656469a474657374", Hex(apps));
        Assert.Equal(["id", "bounds", "scale_factor", "primary", "name"], ((MsgMap)Assert.Single((List<object?>)displays!["items"]!)!).Keys);
    }

    [Fact]
    public async Task Focused_window_is_wrapped_and_may_be_nil()
    {
        var result = await Dispatcher.InvokeAsync("windows.focused", new MsgMap(), default);

        Assert.Equal("81a677696e646f77c0", Hex(result));
    }

    [Fact]
    public async Task Fs_read_returns_data_as_bin()
    {
        var result = await Dispatcher.InvokeAsync("fs.read", Map(("path", "/x")), default);

        Assert.Equal("81a464617461c4030102ff", Hex(result));
        Assert.Equal("/x", _computer.Path);
    }

    [Fact]
    public async Task Exec_decodes_argv_env_and_stdin()
    {
        var parameters = Map(
            ("argv", new List<object?> { "printf", "%s", "x" }), ("timeout", 5L), ("cwd", null),
            ("env", Map(("A", "1"))), ("stdin", new byte[] { 7 }));

        var result = await Dispatcher.InvokeAsync("process.exec", parameters, default);

        Assert.Equal(["printf", "%s", "x"], _computer.Argv);
        Assert.Equal(5.0, _computer.Timeout);
        Assert.Equal("1", _computer.Env!["A"]);
        Assert.Equal([7], _computer.Stdin!);
        Assert.Equal(["returncode", "stdout", "stderr", "duration"], result!.Keys);
    }

    [Fact]
    public async Task Exec_rejects_empty_argv_and_non_string_env()
    {
        var empty = await WireError(() => Dispatcher.InvokeAsync("process.exec", Map(("argv", new List<object?>())), default).AsTask());
        var badEnv = await WireError(() => Dispatcher.InvokeAsync("process.shell", Map(("command", "true"), ("env", Map(("A", 1L)))), default).AsTask());

        Assert.Equal((ErrorCodes.InvalidArgument, "parameter 'argv' must name a program"), (empty.Code, empty.Message));
        Assert.Equal(ErrorCodes.InvalidArgument, badEnv.Code);
    }

    [Fact]
    public async Task Display_subscribe_caps_fps_at_30_and_streams_frames()
    {
        var items = new List<MsgMap>();
        await foreach (var item in Dispatcher.StreamAsync("display.subscribe", Map(("fps", 120L), ("display_id", "0")), default))
        {
            items.Add(item);
        }

        Assert.Equal(30, _computer.Fps);
        Assert.Equal([0L, 1L], items.Select(i => i["frame_number"]));
        Assert.Equal(["pixmap", "frame_number", "keyframe"], items[0].Keys);
    }

    [Fact]
    public async Task Display_subscribe_defaults_to_30_fps_and_the_backend_s_png()
    {
        await Drain(Dispatcher.StreamAsync("display.subscribe", new MsgMap(), default));

        Assert.Equal(30, _computer.Fps);
        Assert.Equal((null, null), _computer.StreamEncoding);
    }

    [Fact]
    public async Task Display_subscribe_passes_the_format_and_quality_asked_for()
    {
        await Drain(Dispatcher.StreamAsync("display.subscribe", Map(("format", "jpeg"), ("quality", 60L)), default));

        Assert.Equal(("jpeg", 60), _computer.StreamEncoding);
    }

    [Theory]
    [InlineData("format", "gif", "parameter 'format' must be one of jpeg, png, raw_rgb, raw_rgba, webp, got 'gif'")]
    [InlineData("quality", -1L, "parameter 'quality' must be between 0 and 100, got -1")]
    public async Task Display_subscribe_rejects_unknown_format_and_quality(string key, object value, string message)
    {
        var error = await WireError(() => Drain(Dispatcher.StreamAsync("display.subscribe", Map((key, value)), default)));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Input_subscribe_encodes_pointer_and_key_events()
    {
        var items = new List<MsgMap>();
        await foreach (var item in Dispatcher.StreamAsync("input.subscribe", new MsgMap(), default))
        {
            items.Add(item);
        }

        Assert.False(items[0].ContainsKey("keysym"));
        Assert.Equal("a", items[1]["keysym"]);
    }

    [Fact]
    public async Task Window_move_decodes_bounds_from_int_coordinates()
    {
        await Dispatcher.InvokeAsync("windows.move", Map(("window_id", "w1"), ("bounds", Map(("x", 1L), ("y", 2L), ("width", 300L), ("height", 200.0)))), default);

        Assert.Equal(("w1", new Rect(1, 2, 300, 200)), _computer.Moved);
    }

    private static MsgMap ValidParams(string method) => method switch
    {
        "input.pointer" => Map(("event", new PointerEvent(PointerAction.Move, new Point(1, 2)).ToMap())),
        "input.key" => Map(("event", new KeyEvent(KeyAction.Down, "a").ToMap())),
        "input.text" => Map(("text_input", new TextInput("hi").ToMap())),
        "windows.focus" or "windows.close" => Map(("window_id", "w1")),
        "windows.move" => Map(("window_id", "w1"), ("bounds", new Rect(0, 0, 10, 10).ToMap())),
        "ui.action" or "ui.perform" => Map(("element", new UIElement("button").ToMap())),
        "clipboard.write" => Map(("contents", ClipboardContents.FromText("x").ToMap())),
        "fs.read" or "fs.list" or "fs.stat" or "fs.delete" or "fs.mkdir" => Map(("path", "/tmp/x")),
        "fs.write" => Map(("path", "/tmp/x"), ("data", new byte[] { 1 })),
        "fs.move" => Map(("src", "/a"), ("dst", "/b")),
        "process.exec" => Map(("argv", new List<object?> { "true" })),
        "process.shell" => Map(("command", "true")),
        _ => new MsgMap(),
    };

    private static async Task<ErrorInfo> WireError(Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(call);
        return ErrorMapping.ToErrorInfo(ex);
    }

    private static async Task Drain(IAsyncEnumerable<MsgMap> stream)
    {
        await foreach (var _ in stream)
        {
        }
    }

    private sealed class RecordingComputer : UnsupportedComputer
    {
        public (string?, Rect?, bool, string?, int?) Capture { get; private set; }

        public UIElement? Element { get; private set; }

        public string? Action { get; private set; }

        public string? App { get; private set; }

        public int Locks { get; private set; }

        public string? Path { get; private set; }

        public IReadOnlyList<string>? Argv { get; private set; }

        public double? Timeout { get; private set; }

        public IReadOnlyDictionary<string, string>? Env { get; private set; }

        public byte[]? Stdin { get; private set; }

        public int Fps { get; private set; }

        public (string? Format, int? Quality) StreamEncoding { get; private set; }

        public (string, Rect)? Moved { get; private set; }

        public ClipboardContents? Clipboard { get; private set; }

        public override string Backend => "test";

        protected override IEnumerable<string> SupportedCapabilities => ["ui.actions", "display.stream", "display.capture", "ui.actions"];

        protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits =>
            new Dictionary<string, IReadOnlyDictionary<string, object?>> { ["display.stream"] = new Dictionary<string, object?> { ["max_fps"] = 30L } };

        public override Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Display>>([new Display("0", new Rect(0, 0, 1920, 1080)) { Primary = true }]);

        public override Task<Pixmap> CaptureAsync(string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default)
        {
            Capture = (displayId, region, downscale, format, quality);
            return Task.FromResult(new Pixmap([1], 1, 1, 1, 1));
        }

        public override Task UIActionAsync(UIElement element, string action = "click", string? app = null, CancellationToken cancellationToken = default)
        {
            (Element, Action, App) = (element, action, app);
            return Task.CompletedTask;
        }

        public override Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken = default)
        {
            Clipboard = contents;
            return Task.CompletedTask;
        }

        public override Task LockAsync(CancellationToken cancellationToken = default)
        {
            Locks++;
            return Task.CompletedTask;
        }

        public override Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<string>>(["edi", "test"]);

        public override Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken = default) => Task.FromResult<Window?>(null);

        public override Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default)
        {
            Moved = (windowId, bounds);
            return Task.CompletedTask;
        }

        public override Task<byte[]> ReadFileAsync(string path, CancellationToken cancellationToken = default)
        {
            Path = path;
            return Task.FromResult(new byte[] { 1, 2, 0xff });
        }

        public override Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout = null, string? cwd = null, IReadOnlyDictionary<string, string>? env = null, byte[]? stdin = null, CancellationToken cancellationToken = default)
        {
            (Argv, Timeout, Env, Stdin) = (argv, timeout, env, stdin);
            return Task.FromResult(new CompletedCommand(0, "x"u8.ToArray(), []));
        }

        public override async IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(
            string? displayId = null, int fps = 30, Rect? region = null, string? format = null, int? quality = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Fps = fps;
            StreamEncoding = (format, quality);
            for (var i = 0; i < 2; i++)
            {
                await Task.Yield();
                yield return new DisplayFrame(new Pixmap([1], 1, 1, 1, 1)) { FrameNumber = i };
            }
        }

        public override async IAsyncEnumerable<object> SubscribeInputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new PointerEvent(PointerAction.Move, new Point(1, 1));
            yield return new KeyEvent(KeyAction.Down, "a");
        }
    }
}
