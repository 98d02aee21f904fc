using OpenDesk.Computer;
using OpenDesk.Linux.Display;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

public sealed class X11ScreenSubscribeTests : IClassFixture<XvfbFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly XvfbFixture _x;

    public X11ScreenSubscribeTests(XvfbFixture x)
    {
        _x = x;
    }

    [XvfbFact]
    public async Task Subscribe_SendsAFirstFrameThenOnlyFramesForChangesAndStopsOnCancel()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var frames = screen.Subscribe(null, 30, null, PixmapFormat.Png, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        try
        {
            var first = await NextAsync(frames);
            Assert.Equal(0, first.FrameNumber);
            Assert.True(first.Keyframe);
            Assert.Equal((1920, 1080), (first.Pixmap.Width, first.Pixmap.Height));
            using (var bitmap = Pixels.Decode(first.Pixmap))
            {
                Pixels.AssertColour(bitmap, 960, 540, new SKColor(0xff, 0, 0));
            }

            var pending = frames.MoveNextAsync().AsTask();
            Assert.NotSame(pending, await Task.WhenAny(pending, Task.Delay(Quiet)));

            _x.Run("xsetroot", "-solid", "#0000ff");
            Assert.True(await pending.WaitAsync(Patience));
            var second = frames.Current;
            Assert.Equal(1, second.FrameNumber);
            using (var bitmap = Pixels.Decode(second.Pixmap))
            {
                Pixels.AssertColour(bitmap, 960, 540, new SKColor(0, 0, 0xff));
            }

            var afterCancel = frames.MoveNextAsync().AsTask();
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => afterCancel.WaitAsync(Patience));
        }
        finally
        {
            await frames.DisposeAsync();
        }
    }

    [XvfbFact]
    public async Task Subscribe_Region_IgnoresChangesElsewhereOnScreen()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var frames = screen.Subscribe(null, 30, new Rect(0, 0, 200, 100), PixmapFormat.Jpeg, cancellationToken: cts.Token)
            .GetAsyncEnumerator(cts.Token);

        var first = await NextAsync(frames);
        Assert.Equal((200, 100, PixmapFormat.Jpeg), (first.Pixmap.Width, first.Pixmap.Height, first.Pixmap.Format));

        var pending = frames.MoveNextAsync().AsTask();
        using var xterm = _x.Start("xterm", "-bg", "#00ff00", "-geometry", "20x5+1500+800", "-e", "sleep", "600");
        try
        {
            XvfbFixture.WaitUntil(() =>
            {
                using var corner = Pixels.Decode(screen.Capture(null, new Rect(1550, 820, 4, 4), downscale: true, PixmapFormat.RawRgb));
                return Pixels.IsColour(corner, 1, 1, new SKColor(0, 0xff, 0));
            }, Patience, "the xterm outside the region to appear");
            Assert.NotSame(pending, await Task.WhenAny(pending, Task.Delay(Quiet)));

            _x.Run("xsetroot", "-solid", "#0000ff");
            Assert.True(await pending.WaitAsync(Patience));
            Assert.Equal(1, frames.Current.FrameNumber);
        }
        finally
        {
            xterm.Kill();
            xterm.WaitForExit();
            await cts.CancelAsync();
        }
    }

    [XvfbFact]
    public async Task Subscribe_FollowsContinuousChangesAtNoMoreThanTheRequestedRate()
    {
        using var screen = new X11Screen(_x.DisplayName);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var painter = new CancellationTokenSource();
        var colours = new[] { "#ff0000", "#00ff00" };
        var painting = Task.Run(() =>
        {
            for (var i = 0; !painter.IsCancellationRequested; i++)
            {
                _x.Run("xsetroot", "-solid", colours[i % 2]);
            }
        });

        var count = 0;
        var started = DateTime.UtcNow;
        try
        {
            await foreach (var frame in screen.Subscribe(null, 10, new Rect(0, 0, 320, 240), PixmapFormat.Jpeg, cancellationToken: cts.Token)
                .WithCancellation(cts.Token))
            {
                Assert.Equal(count, frame.FrameNumber);
                if (++count == 6)
                {
                    break;
                }
            }
        }
        finally
        {
            await painter.CancelAsync();
            await painting;
        }

        // Six frames at 10 fps take at least five intervals after the immediate first one.
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
    }

    [XvfbFact]
    public void Subscribe_ChecksItsArgumentsBeforeStreaming()
    {
        using var screen = new X11Screen(_x.DisplayName);

        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => screen.Subscribe("nope", 30, null)).Code);
        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => screen.Subscribe(null, 0, null)).Code);
        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => screen.Subscribe(null, 30, null, "gif")).Code);
    }

    private static async Task<DisplayFrame> NextAsync(IAsyncEnumerator<DisplayFrame> frames)
    {
        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(Patience));
        return frames.Current;
    }
}
