using OpenDesk.Computer;
using OpenDesk.Linux.Display;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

public sealed class X11ScreenSubscribeTests : IClassFixture<XvfbFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    // Idle frames go out FrameStream.IdleInterval after the capture of the last one; the consumer's clock starts a
    // little later, after that frame was encoded and handed over.
    private static readonly TimeSpan IdleLowerBound = FrameStream.IdleInterval - TimeSpan.FromMilliseconds(300);

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
        var previous = System.Diagnostics.Stopwatch.StartNew();

        // An xterm outside the region, whose cursor keeps blinking: only the idle frames, a second apart, may follow.
        using var xterm = _x.Start("xterm", "-bg", "#00ff00", "-bc", "-geometry", "20x5+1500+800", "-e", "sleep", "600");
        try
        {
            XvfbFixture.WaitUntil(() =>
            {
                using var corner = Pixels.Decode(screen.Capture(null, new Rect(1550, 820, 4, 4), downscale: true, PixmapFormat.RawRgb));
                return Pixels.IsColour(corner, 1, 1, new SKColor(0, 0xff, 0));
            }, Patience, "the xterm outside the region to appear");
            for (var i = 0; i < 2; i++)
            {
                var idle = await NextAsync(frames);
                Assert.True(previous.Elapsed >= IdleLowerBound, $"frame {idle.FrameNumber} came {previous.Elapsed.TotalMilliseconds} ms after the one before, though nothing in the region changed");
                previous.Restart();
                using var bitmap = Pixels.Decode(idle.Pixmap);
                Pixels.AssertColour(bitmap, 100, 50, new SKColor(0xff, 0, 0), tolerance: 12);
            }

            _x.Run("xsetroot", "-solid", "#0000ff");
            await WaitForColourAsync(frames, new SKColor(0, 0, 0xff));
        }
        finally
        {
            xterm.Kill();
            xterm.WaitForExit();
            await cts.CancelAsync();
        }
    }

    [XvfbFact]
    public async Task Subscribe_SendsAFrameEverySecondWhileNothingChanges()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#00ff00");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var frames = screen.Subscribe(null, 30, null, cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        var first = await NextAsync(frames);
        Assert.Equal(PixmapFormat.Png, first.Pixmap.Format);
        var previous = System.Diagnostics.Stopwatch.StartNew();
        for (var expected = 1; expected <= 3; expected++)
        {
            var idle = await NextAsync(frames);
            Assert.True(previous.Elapsed >= IdleLowerBound, $"an idle frame came after {previous.Elapsed.TotalMilliseconds} ms, not a second");
            previous.Restart();
            Assert.Equal((expected, true), (idle.FrameNumber, idle.Keyframe));
            Assert.Equal(first.Pixmap.Data, idle.Pixmap.Data);
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

    private static async Task WaitForColourAsync(IAsyncEnumerator<DisplayFrame> frames, SKColor colour)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var bitmap = Pixels.Decode((await NextAsync(frames)).Pixmap);
            if (Pixels.IsColour(bitmap, bitmap.Width / 2, bitmap.Height / 2, colour, tolerance: 12))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no frame showed {colour}");
        }
    }

    private static async Task<DisplayFrame> NextAsync(IAsyncEnumerator<DisplayFrame> frames)
    {
        Assert.True(await frames.MoveNextAsync().AsTask().WaitAsync(Patience));
        return frames.Current;
    }
}
