using OpenDesk.Computer;
using OpenDesk.Linux.Display;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

public sealed class X11ScreenDownscaleTests : IClassFixture<LargeScreenXvfbFixture>
{
    private readonly LargeScreenXvfbFixture _x;

    public X11ScreenDownscaleTests(LargeScreenXvfbFixture x)
    {
        _x = x;
    }

    [XvfbFact]
    public void Capture_WiderThan1920_ShrinksTo1920AndKeepsTheLogicalSize()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#0000ff");

        var pixmap = screen.Capture(null, null, downscale: true, PixmapFormat.Jpeg);

        Assert.Equal((1920, 1080, 2560, 1440), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
        using var bitmap = Pixels.Decode(pixmap);
        Assert.Equal((1920, 1080), (bitmap.Width, bitmap.Height));
        Pixels.AssertColour(bitmap, 960, 540, new SKColor(0, 0, 0xff), tolerance: 8);
        Assert.Equal(new Point(1280, 720), pixmap.ToLogical(new Point(960, 540)));
    }

    [XvfbFact]
    public void Capture_WithoutDownscale_KeepsEveryPixel()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var pixmap = screen.Capture(null, null, downscale: false, PixmapFormat.RawRgb);

        Assert.Equal((2560, 1440, 2560, 1440), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
    }

    [XvfbFact]
    public void Capture_RegionNarrowerThanTheCap_IsNotScaled()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var pixmap = screen.Capture(null, new Rect(100, 100, 1000, 500), downscale: true, PixmapFormat.Png);

        Assert.Equal((1000, 500, 1000, 500), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
    }
}
