using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Linux;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Server;
using OpenDesk.Tests.Server;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Linux;

/// <summary>A window manager on its own virtual display, for the end-to-end desktop tests.</summary>
public sealed class DesktopXvfbFixture : XvfbFixture
{
    public DesktopXvfbFixture()
        : base(1280, 800, withWindowManager: true)
    {
    }
}

/// <summary>
/// The whole path a controller uses: RemoteComputer → encrypted WebSocket → serve → LinuxBackend → X11,
/// each effect checked by an independent observer (xdotool, xclip, xwininfo, a file the app wrote).
/// </summary>
public sealed class RemoteDesktopTests : IClassFixture<DesktopXvfbFixture>, IAsyncLifetime
{
    private readonly DesktopXvfbFixture _x;
    private LinuxBackend? _backend;
    private OpenDeskServer? _server;
    private RemoteComputer? _remote;
    private string? _root;

    public RemoteDesktopTests(DesktopXvfbFixture x) => _x = x;

    private RemoteComputer Remote => _remote!;

    public async Task InitializeAsync()
    {
        _root = ServerFixture.TempDirectory("desk");
        var serverHome = new OpenDeskHome(Path.Combine(_root, "s"));
        var clientHome = new OpenDeskHome(Path.Combine(_root, "c"));
        new TrustStore(serverHome).Add(Identity.LoadOrCreate(clientHome).PublicKey, "tester", PeerRole.Controller);
        _backend = await LinuxBackend.OpenAsync(new LinuxBackendOptions { DisplayName = _x.DisplayName }, NullLogger.Instance);
        _server = await OpenDeskServer.StartAsync(new ServerOptions { Home = serverHome, Computer = _backend.Computer, Host = "127.0.0.1", Port = 0, Audit = false });
        _remote = await RemoteComputer.ConnectAsync($"ws://127.0.0.1:{_server.Port}#{_server.Identity.PublicKeyHex}", new RemoteComputerOptions { Home = clientHome.Path, AutoReconnect = false });
    }

    public async Task DisposeAsync()
    {
        if (_remote is not null)
        {
            await _remote.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }

        Directory.Delete(_root!, recursive: true);
    }

    [XvfbFact]
    public async Task The_manifest_lists_what_this_x_server_supports()
    {
        var capabilities = Remote.Manifest.Capabilities;
        foreach (var expected in new[] { "display.capture", "display.stream", "input.pointer", "input.keyboard", "input.text", "windows.list", "windows.manipulate", "clipboard.read", "clipboard.write" })
        {
            Assert.Contains(expected, capabilities);
        }

        Assert.Equal("local/linux", Remote.Manifest.Backend);
        Assert.DoesNotContain("ui.tree", capabilities);
        var unsupported = await Assert.ThrowsAsync<CapabilityUnsupportedException>(() => Remote.UITreeAsync());
        Assert.Equal("ui.tree", unsupported.Capability);
    }

    [XvfbFact]
    public async Task A_pointer_move_lands_where_xdotool_sees_it()
    {
        await Remote.PointerAsync(new PointerEvent(PointerAction.Move, new Point(321, 234)));

        Assert.Contains("x:321 y:234", _x.Run("xdotool", "getmouselocation"), StringComparison.Ordinal);
        var position = await Remote.CursorPositionAsync();
        Assert.Equal((321.0, 234.0), (position.X, position.Y));
    }

    [XvfbFact]
    public async Task A_screenshot_shows_the_colour_painted_on_the_screen()
    {
        _x.Run("xsetroot", "-solid", "#3366cc");

        // A corner no test window reaches: only the root background is there.
        var pixmap = await Remote.CaptureAsync(region: new Rect(1200, 740, 40, 30));

        Assert.Equal("png", pixmap.Format);
        Assert.Equal((40, 30), (pixmap.Width, pixmap.Height));
        using var bitmap = SkiaSharp.SKBitmap.Decode(pixmap.Data);
        var pixel = bitmap.GetPixel(20, 15);
        Assert.Equal((0x33, 0x66, 0xcc), (pixel.Red, pixel.Green, pixel.Blue));
    }

    [XvfbFact]
    public async Task The_pointer_is_drawn_into_a_capture_only_when_asked()
    {
        _x.Run("xsetroot", "-solid", "#204060");
        await Remote.PointerAsync(new PointerEvent(PointerAction.Move, new Point(1100, 650)));
        var region = new Rect(1090, 640, 24, 24);

        var plain = await Remote.CaptureAsync(region: region, format: PixmapFormat.RawRgb);
        var withCursor = await Remote.CaptureAsync(region: region, format: PixmapFormat.RawRgb, cursor: true);

        Assert.All(Enumerable.Range(0, plain.Data.Length / 3), i => Assert.Equal((0x20, 0x40, 0x60), (plain.Data[i * 3], plain.Data[(i * 3) + 1], plain.Data[(i * 3) + 2])));
        Assert.NotEqual(plain.Data, withCursor.Data);
    }

    [XvfbFact]
    public async Task Clipboard_text_round_trips_with_xclip_in_both_directions()
    {
        await Remote.WriteClipboardAsync(ClipboardContents.FromText("grüße from the controller ✓"));
        Assert.Equal("grüße from the controller ✓", _x.Run("xclip", "-selection", "clipboard", "-o"));

        using (var xclip = _x.Start("sh", "-c", "printf 'from xclip: ñ' | xclip -selection clipboard -i"))
        {
            await xclip.WaitForExitAsync();
        }

        string? text = null;
        for (var i = 0; i < 50 && text != "from xclip: ñ"; i++)
        {
            text = (await Remote.ReadClipboardAsync()).Text;
            await Task.Delay(50);
        }

        Assert.Equal("from xclip: ñ", text);
    }

    [XvfbFact]
    public async Task Text_typed_into_a_terminal_app_reaches_the_file_it_writes()
    {
        var file = Path.Combine(_root!, "typed.txt");
        using var app = _x.Start("xterm", "-T", "typing target", "-geometry", "60x10+20+20", "-e", "sh", "-c", $"cat > '{file}'");
        var window = await WaitForWindowAsync("typing target");

        await Remote.FocusWindowAsync(window.Id);
        await Remote.TypeTextAsync("Hello, wörld: Ω ✓ 42\n", 0);
        await Remote.PressAsync("d", [Modifier.Ctrl]);

        XvfbFixture.WaitUntil(() => File.Exists(file) && File.ReadAllText(file).EndsWith('\n'), Windows.X11Observer.Deadline, "the app to write the typed line");
        Assert.Equal("Hello, wörld: Ω ✓ 42\n", File.ReadAllText(file));
    }

    [XvfbFact]
    public async Task Windows_are_listed_moved_focused_and_closed_as_xwininfo_and_xdotool_see_it()
    {
        using var first = _x.Start("xterm", "-T", "window one", "-geometry", "40x8+30+30");
        using var second = _x.Start("xterm", "-T", "window two", "-geometry", "40x8+300+200");
        var one = await WaitForWindowAsync("window one");
        var two = await WaitForWindowAsync("window two");
        Assert.Equal(first.Id, one.Pid);
        Assert.Equal("XTerm", two.AppName);

        await Remote.MoveWindowAsync(one.Id, new Rect(500, 400, one.Bounds!.Width, one.Bounds.Height));
        XvfbFixture.WaitUntil(() => (Remote.ListWindowsAsync().Result.Single(w => w.Id == one.Id).Bounds?.X ?? 0) == 500, Windows.X11Observer.Deadline, "the move");
        var geometry = _x.Run("xdotool", "getwindowgeometry", Convert.ToInt64(one.Id, 16).ToString(CultureInfo.InvariantCulture));
        Assert.Contains("Position: 5", geometry, StringComparison.Ordinal);

        await Remote.FocusWindowAsync(two.Id);
        XvfbFixture.WaitUntil(() => Convert.ToInt64(_x.Run("xdotool", "getactivewindow").Trim(), CultureInfo.InvariantCulture) == Convert.ToInt64(two.Id, 16), Windows.X11Observer.Deadline, "focus");
        Assert.Equal(two.Id, (await Remote.FocusedWindowAsync())!.Id);

        await Remote.CloseWindowAsync(one.Id);
        XvfbFixture.WaitUntil(() => first.HasExited, Windows.X11Observer.Deadline, "the closed xterm to exit");
        var missing = await Assert.ThrowsAsync<ProtocolException>(() => Remote.FocusWindowAsync(one.Id));
        Assert.Equal(ErrorCodes.NotFound, missing.Code);
    }

    private async Task<Window> WaitForWindowAsync(string title)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await Remote.ListWindowsAsync()).FirstOrDefault(w => w.Title == title) is { } window)
            {
                return window;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no window titled '{title}'");
    }
}
