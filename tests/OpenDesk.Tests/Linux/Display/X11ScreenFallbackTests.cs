using OpenDesk.Computer;
using OpenDesk.Linux.Display;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

public sealed class X11ScreenFallbackTests : IClassFixture<MinimalXvfbFixture>
{
    private readonly MinimalXvfbFixture _x;

    public X11ScreenFallbackTests(MinimalXvfbFixture x)
    {
        _x = x;
    }

    [XvfbFact]
    public void Displays_WithoutRandr_IsTheWholeRootWindow()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var display = Assert.Single(screen.Displays());

        Assert.Equal(new Rect(0, 0, 800, 600), display.Bounds);
        Assert.True(display.Primary);
        Assert.Equal(display.Id, screen.Capture(null, null, downscale: true, PixmapFormat.RawRgb).DisplayId);
    }

    [XvfbFact]
    public void Capture_WithoutShmOn16BitColour_ConvertsThePixels()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");

        var red = screen.Capture(null, new Rect(10, 10, 50, 40), downscale: true, PixmapFormat.Png);
        _x.Run("xsetroot", "-solid", "#00ff00");
        var green = screen.Capture(null, new Rect(10, 10, 50, 40), downscale: true, PixmapFormat.RawRgba);
        _x.Run("xsetroot", "-solid", "#8040c0");
        var mixed = screen.Capture(null, new Rect(10, 10, 50, 40), downscale: true, PixmapFormat.Jpeg);

        Assert.False(screen.UsesShm);
        using (var bitmap = Pixels.Decode(red))
        {
            Pixels.AssertColour(bitmap, 25, 20, new SKColor(0xff, 0, 0));
        }

        using (var bitmap = Pixels.Decode(green))
        {
            Pixels.AssertColour(bitmap, 49, 39, new SKColor(0, 0xff, 0));
        }

        using (var bitmap = Pixels.Decode(mixed))
        {
            // 5-6-5 keeps only the top bits of each channel, and JPEG adds its own small error.
            Pixels.AssertColour(bitmap, 25, 20, new SKColor(0x80, 0x40, 0xc0), tolerance: 12);
        }
    }

    [XvfbFact]
    public async Task Subscribe_WithoutDamage_StillDeliversFrames()
    {
        using var screen = new X11Screen(_x.DisplayName);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var numbers = new List<int>();
        await foreach (var frame in screen.Subscribe(null, 30, null, PixmapFormat.Jpeg, cancellationToken: cts.Token).WithCancellation(cts.Token))
        {
            Assert.Equal((800, 600), (frame.Pixmap.Width, frame.Pixmap.Height));
            numbers.Add(frame.FrameNumber);
            if (numbers.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([0, 1, 2], numbers);
    }
}
