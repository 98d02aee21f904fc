using System.Text.Json;
using ModelContextProtocol.Protocol;
using OpenDesk.Computer;
using OpenDesk.Mcp;
using OpenDesk.Mcp.Desks;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Mcp;

/// <summary>
/// Tool calls handled in process against a desktop whose screen size and files the test sets: what an agent reads
/// for arguments no schema check catches, a screen that changed size, a file date no calendar holds, and a paired
/// desk that took the name of this machine.
/// </summary>
public sealed class McpToolCallTests : IAsyncDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("opendesk-mcp-calls-").FullName;
    private readonly ResizableComputer _desktop = new(1920, 1080);
    private readonly OpenDeskMcpServer _server;

    public McpToolCallTests()
    {
        _server = new OpenDeskMcpServer(new OpenDeskMcpOptions
        {
            Home = _home,
            OpenLocalDesktop = _ =>
            {
                _desktop.Opened++;
                return Task.FromResult<IComputer>(_desktop);
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task After_the_screen_changes_size_screenshots_and_clicks_follow_the_new_size()
    {
        Assert.Contains("screen 1920x1080 logical", Ok(await CallAsync("screenshot")), StringComparison.Ordinal);

        _desktop.Resize(1280, 800);
        var shot = await _server.CallToolAsync("screenshot", Arguments("{}"), default);
        Assert.Contains("image 1280x800", Ok(shot), StringComparison.Ordinal);
        Assert.Contains("screen 1280x800 logical", Ok(shot), StringComparison.Ordinal);
        var image = Assert.Single(shot.Content.OfType<ImageContentBlock>());
        using (var decoded = SkiaSharp.SKBitmap.Decode(image.DecodedData.ToArray()))
        {
            Assert.Equal((1280, 800), (decoded.Width, decoded.Height));
        }

        Ok(await CallAsync("mouse", """{"action":"click","x":640,"y":400}"""));
        var click = _desktop.PointerEvents.Last(e => e.Action == PointerAction.Down);
        Assert.Equal(new Point(640, 400), click.Point);
    }

    [Fact]
    public async Task A_coordinate_at_the_image_s_width_is_past_its_last_pixel()
    {
        Ok(await CallAsync("screenshot"));

        var refused = Failed(await CallAsync("mouse", """{"action":"click","x":1280,"y":10}"""));

        Assert.Equal(
            "(1280, 10) is outside the last screenshot of this machine, which is 1280x720. Coordinates are read in that image's space; " +
            "pass logical: true for logical screen pixels, or take a new screenshot.",
            refused);
        Assert.Empty(_desktop.PointerEvents);
        Ok(await CallAsync("mouse", """{"action":"click","x":1279.5,"y":719.5}"""));
    }

    [Theory]
    [InlineData("mouse", """{"action":"\ud800"}""", "action")]
    [InlineData("keyboard", """{"action":"type","text":"a\udc00b"}""", "text")]
    [InlineData("mouse", """{"action":"position","peer":"\ud800"}""", "peer")]
    [InlineData("keyboard", """{"action":"hotkey","keys":["ctrl","\ud83d"]}""", "keys")]
    public async Task A_lone_surrogate_escape_is_refused_as_an_argument_that_is_no_text(string tool, string arguments, string parameter)
    {
        var text = Failed(await CallAsync(tool, arguments));

        Assert.Equal($"Invalid arguments for {tool}: '{parameter}' must be valid Unicode text, but it holds a lone surrogate escape such as \\ud800.", text);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_whole_number_written_with_a_decimal_point_is_an_integer_and_a_fraction_is_not()
    {
        Assert.Contains("image 640x360", Ok(await CallAsync("screenshot", """{"max_size":640.0}""")), StringComparison.Ordinal);

        Assert.Equal("Invalid arguments for screenshot: 'max_size' must be an integer, got 640.5.", Failed(await CallAsync("screenshot", """{"max_size":640.5}""")));
    }

    [Fact]
    public async Task A_file_date_beyond_the_calendar_is_shown_as_the_seconds_it_is()
    {
        _desktop.Mtime = 1e15;

        var text = Ok(await CallAsync("files", """{"action":"stat","path":"/tmp/odd"}"""));

        Assert.Equal("/tmp/odd on this machine: file of 3 bytes, modified at 1000000000000000 s since 1970 (outside the dates this can show).", text);
    }

    [Fact]
    public async Task A_paired_desk_named_local_is_refused_rather_than_mistaken_for_this_machine()
    {
        new TrustStore(new OpenDeskHome(_home)).Add(Enumerable.Repeat((byte)0xab, 32).ToArray(), DeskRouter.Local, PeerRole.Remote);

        var text = Failed(await CallAsync("mouse", """{"action":"position"}"""));

        Assert.Equal(
            "A paired desk is named 'local', the name that means this machine, so calls for either cannot be told apart. " +
            "Have the person at this machine rename it with `opendesk peers rename local <new name>`, then call again with that name.",
            text);
        Assert.Equal(text, Failed(await CallAsync("mouse", """{"action":"position","peer":"local"}""")));
    }

    [Fact]
    public async Task Two_sessions_keep_their_own_choice_and_screenshot_space_on_one_connection()
    {
        Ok(await _server.CallToolAsync("screenshot", Arguments("""{"max_size":640}"""), default, session: "first"));
        Ok(await _server.CallToolAsync("screenshot", Arguments("{}"), default, session: "second"));
        Ok(await _server.CallToolAsync("opendesk_use", Arguments("""{"peer":"local"}"""), default, session: "first"));

        Ok(await _server.CallToolAsync("mouse", Arguments("""{"action":"move","x":320,"y":180}"""), default, session: "first"));
        Ok(await _server.CallToolAsync("mouse", Arguments("""{"action":"move","x":320,"y":180}"""), default, session: "second"));

        Assert.Equal([new Point(960, 540), new Point(480, 270)], _desktop.PointerEvents.Select(e => e.Point));
        Assert.Contains("chosen with opendesk_use", Ok(await _server.CallToolAsync("opendesk_status", Arguments("{}"), default, session: "first")), StringComparison.Ordinal);
        Assert.Contains("no desk is paired", Ok(await _server.CallToolAsync("opendesk_status", Arguments("{}"), default, session: "second")), StringComparison.Ordinal);
        Assert.Equal(1, _desktop.Opened);
    }

    private static string Ok(CallToolResult result)
    {
        Assert.True(result.IsError != true, Text(result));
        return Text(result);
    }

    private static string Failed(CallToolResult result)
    {
        Assert.True(result.IsError == true, Text(result));
        return Text(result);
    }

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    private static Dictionary<string, JsonElement> Arguments(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private Task<CallToolResult> CallAsync(string tool, string arguments = "{}") => _server.CallToolAsync(tool, Arguments(arguments), default);

    /// <summary>A screen of a size the test sets, in flat grey, with a pointer that records what it is sent.</summary>
    private sealed class ResizableComputer(int width, int height) : UnsupportedComputer
    {
        private volatile Rect _screen = new(0, 0, width, height);

        public List<PointerEvent> PointerEvents { get; } = [];

        public double Mtime { get; set; }

        public int Opened { get; set; }

        public override string Backend => "resizable";

        protected override IEnumerable<string> SupportedCapabilities => OpenDesk.Protocol.Capabilities.All;

        public void Resize(int newWidth, int newHeight) => _screen = new Rect(0, 0, newWidth, newHeight);

        public override Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<Display>>([new Display("0", _screen) { Primary = true }]);

        public override Task<Pixmap> CaptureAsync(
            string? displayId = null, Rect? region = null, bool downscale = true, string? format = null, int? quality = null, bool cursor = false, CancellationToken cancellationToken = default)
        {
            var (w, h) = ((int)_screen.Width, (int)_screen.Height);
            var pixels = new byte[w * h * 4];
            Array.Fill(pixels, (byte)0x80);
            return Task.FromResult(new Pixmap(pixels, w, h, w, h) { Format = PixmapFormat.RawRgba });
        }

        public override Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken = default)
        {
            lock (PointerEvents)
            {
                PointerEvents.Add(pointerEvent);
            }

            return Task.CompletedTask;
        }

        public override Task<FileEntry> StatAsync(string path, CancellationToken cancellationToken = default) =>
            Task.FromResult(new FileEntry(path, Path.GetFileName(path), false) { Size = 3, Mtime = Mtime });
    }
}
