using System.Globalization;
using System.Runtime.Versioning;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// What a client of another implementation meets at a real <c>serve --virtual-display</c>: the params sent as the
/// upstream clients send them, raw, with the clipboard checked by xclip on the same display.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class UpstreamClientInteropTests : IDisposable
{
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(10);

    private readonly EndToEndScope _scope = new();

    [XvfbFact]
    public async Task Display_frames_come_at_once_and_while_idle_as_png_and_an_unknown_clipboard_shape_changes_nothing()
    {
        var desk = _scope.Home("desk");
        var laptop = _scope.Home("laptop");
        var port = LocalPorts.Free();
        await _scope.PairAsync(desk, laptop, port, "desk");
        var serve = _scope.Start(
            new Dictionary<string, string> { ["DISPLAY"] = "" },
            "serve", "--home", desk, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--no-mdns", "--virtual-display", "800x600");
        await serve.WaitForOutputAsync("listening on", 120);
        var display = EndToEndScope.VirtualDisplayOf(serve);

        await using var remote = await RemoteComputer.ConnectAsync("desk", new RemoteComputerOptions { Home = laptop, AutoReconnect = false });

        // Every key, nil for the unset ones, as the Python client sends them; nothing changes on this screen.
        using (var stop = new CancellationTokenSource())
        {
            await using var frames = remote.StreamAsync(Methods.DisplaySubscribe, new MsgMap { ["display_id"] = null, ["fps"] = 30L, ["region"] = null }, stop.Token)
                .GetAsyncEnumerator(stop.Token);
            for (var number = 0L; number < 3; number++)
            {
                Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(FrameWait), $"frame {number} never came");
                var frame = frames.Current;
                Assert.Equal(number, frame["frame_number"]);
                var pixmap = Assert.IsType<MsgMap>(frame["pixmap"]);
                Assert.Equal("png", pixmap["format"]);
                Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Assert.IsType<byte[]>(pixmap["data"])[..4]);
                Assert.Equal((800L, 600L), (pixmap["width"], pixmap["height"]));
            }

            await stop.CancelAsync();
        }

        // This library's client asks for the encoding it wants.
        await foreach (var frame in remote.SubscribeDisplayAsync(format: PixmapFormat.Jpeg))
        {
            Assert.Equal(PixmapFormat.Jpeg, frame.Pixmap.Format);
            Assert.Equal([0xFF, 0xD8, 0xFF], frame.Pixmap.Data[..3]);
            break;
        }

        await remote.WriteClipboardAsync(ClipboardContents.FromText("kept"));
        Assert.Equal("kept", ClipboardSeenByXclip(display));

        // The JS SDK's shape.
        var refused = await Assert.ThrowsAsync<ProtocolException>(() =>
            remote.CallAsync(Methods.ClipboardWrite, new MsgMap { ["contents"] = new MsgMap { ["text"] = "replaced" } }));
        Assert.Equal(ErrorCodes.InvalidArgument, refused.Code);
        Assert.Equal("invalid_argument: parameter 'contents' must be a ClipboardContents map {'entries': [{'mime_type': str, 'data': bytes}, ...]}, got a map with keys 'text'", refused.Message);
        Assert.Equal("kept", ClipboardSeenByXclip(display));
        Assert.Equal("kept", (await remote.ReadClipboardAsync()).Text);
    }

    public void Dispose() => _scope.Dispose();

    private static string ClipboardSeenByXclip(string display) => EndToEndScope.Observe(display, "xclip", "-o", "-selection", "clipboard");
}
