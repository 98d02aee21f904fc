using OpenDesk.Computer;
using OpenDesk.Linux.Display;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

public sealed class X11ScreenCaptureTests : IClassFixture<XvfbFixture>
{
    private static readonly SKColor Red = new(0xff, 0, 0);
    private static readonly SKColor Green = new(0, 0xff, 0);
    private static readonly SKColor Blue = new(0, 0, 0xff);

    private readonly XvfbFixture _x;

    public X11ScreenCaptureTests(XvfbFixture x)
    {
        _x = x;
    }

    [XvfbFact]
    public void Displays_ReportTheWholeXvfbScreenAsOnePrimaryDisplay()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var displays = screen.Displays();

        var display = Assert.Single(displays);
        Assert.Equal(new Rect(0, 0, 1920, 1080), display.Bounds);
        Assert.True(display.Primary);
        Assert.Equal(1.0, display.ScaleFactor);
        Assert.False(string.IsNullOrEmpty(display.Id));
        Assert.Equal(display.Id, screen.Displays()[0].Id);
    }

    [XvfbFact]
    public void CursorPosition_IsWherePointerWasMoved()
    {
        using var screen = new X11Screen(_x.DisplayName);

        _x.Run("xdotool", "mousemove", "123", "45");

        Assert.Equal(new Point(123, 45), screen.CursorPosition());
    }

    [XvfbFact]
    public void Capture_DefaultsToPngOfThePrimaryDisplayWithTheRootColour()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");

        var pixmap = screen.Capture(null, null, downscale: true);

        Assert.Equal(PixmapFormat.Png, pixmap.Format);
        Assert.Equal((1920, 1080, 1920, 1080), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
        Assert.Equal(screen.Displays()[0].Id, pixmap.DisplayId);
        Assert.InRange(pixmap.CapturedAt, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        using var bitmap = Pixels.Decode(pixmap);
        Assert.Equal((1920, 1080), (bitmap.Width, bitmap.Height));
        foreach (var (x, y) in new[] { (0, 0), (1919, 0), (960, 540), (0, 1079), (1919, 1079) })
        {
            Pixels.AssertColour(bitmap, x, y, Red);
        }
    }

    [XvfbFact]
    public void Capture_ShowsAWindowWhereItIsMapped()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#0000ff");
        using var xterm = _x.Start("xterm", "-bg", "#00ff00", "-geometry", "40x10+100+100", "-e", "sleep", "600");
        try
        {
            SKBitmap? bitmap = null;
            XvfbFixture.WaitUntil(() =>
            {
                bitmap?.Dispose();
                bitmap = Pixels.Decode(screen.Capture(null, null, downscale: true));
                return Pixels.IsColour(bitmap, 200, 180, Green);
            }, TimeSpan.FromSeconds(10), "the green xterm to appear in a capture");

            using (bitmap)
            {
                Pixels.AssertColour(bitmap!, 150, 150, Green);
                Pixels.AssertColour(bitmap!, 50, 50, Blue);
                Pixels.AssertColour(bitmap!, 1000, 700, Blue);
            }
        }
        finally
        {
            xterm.Kill();
            xterm.WaitForExit();
        }
    }

    [XvfbFact]
    public void Capture_Region_IsThatPartOfTheDisplayInLogicalPixels()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");

        var pixmap = screen.Capture(null, new Rect(1000, 600, 300, 200), downscale: true);

        Assert.Equal((300, 200, 300, 200), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
        using var bitmap = Pixels.Decode(pixmap);
        Pixels.AssertColour(bitmap, 0, 0, Red);
        Pixels.AssertColour(bitmap, 299, 199, Red);
    }

    [XvfbFact]
    public void Capture_Region_IsClippedToTheDisplay()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var pixmap = screen.Capture(null, new Rect(1800, 1000, 500, 500), downscale: true, PixmapFormat.RawRgb);

        Assert.Equal((120, 80, 120, 80), (pixmap.Width, pixmap.Height, pixmap.LogicalWidth, pixmap.LogicalHeight));
        Assert.Equal(120 * 80 * 3, pixmap.Data.Length);
    }

    [XvfbFact]
    public void Capture_RejectsAnUnknownDisplayAndNamesTheKnownOnes()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var error = WireErrors.Of(() => screen.Capture("HDMI-9", null, downscale: true));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Contains("HDMI-9", error.Detail, StringComparison.Ordinal);
        Assert.Contains(screen.Displays()[0].Id, error.Detail, StringComparison.Ordinal);
    }

    [XvfbTheory]
    [InlineData(0, 0, 0, 10)]
    [InlineData(0, 0, 10, -1)]
    [InlineData(5000, 0, 10, 10)]
    [InlineData(-50, -50, 20, 20)]
    [InlineData(double.NaN, 0, 10, 10)]
    public void Capture_RejectsEmptyOrOutsideRegions(double x, double y, double width, double height)
    {
        using var screen = new X11Screen(_x.DisplayName);

        var error = WireErrors.Of(() => screen.Capture(null, new Rect(x, y, width, height), downscale: true));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
    }

    [XvfbFact]
    public void Capture_RejectsAnUnknownFormatAndListsTheFormats()
    {
        using var screen = new X11Screen(_x.DisplayName);

        var error = WireErrors.Of(() => screen.Capture(null, null, downscale: true, "bmp"));

        Assert.Equal(ErrorCodes.InvalidArgument, error.Code);
        Assert.Contains("png, jpeg, webp, raw_rgba, raw_rgb", error.Detail, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => screen.Capture(null, null, true, "jpeg", 101)).Code);
    }

    [XvfbTheory]
    [InlineData(PixmapFormat.Png, 0)]
    [InlineData(PixmapFormat.Jpeg, 12)]
    [InlineData(PixmapFormat.Webp, 12)]
    [InlineData(PixmapFormat.RawRgba, 0)]
    [InlineData(PixmapFormat.RawRgb, 0)]
    public void Capture_EveryFormatDecodesToTheScreenContent(string format, int tolerance)
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#00ff00");

        var pixmap = screen.Capture(null, new Rect(1200, 300, 640, 360), downscale: true, format, quality: 90);

        Assert.Equal(format, pixmap.Format);
        Assert.Equal((640, 360), (pixmap.Width, pixmap.Height));
        using var bitmap = Pixels.Decode(pixmap);
        Assert.Equal((640, 360), (bitmap.Width, bitmap.Height));
        Pixels.AssertColour(bitmap, 0, 0, Green, tolerance);
        Pixels.AssertColour(bitmap, 320, 180, Green, tolerance);
        Pixels.AssertColour(bitmap, 639, 359, Green, tolerance);
    }

    [XvfbFact]
    public void Capture_LosslessWebpAtQuality100_IsExact()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#123456");

        using var bitmap = Pixels.Decode(screen.Capture(null, new Rect(0, 500, 64, 64), downscale: true, PixmapFormat.Webp, quality: 100));

        Pixels.AssertColour(bitmap, 10, 10, new SKColor(0x12, 0x34, 0x56));
    }

    [XvfbFact]
    public void Capture_UsesShmAndTheXGetImageFallbackGivesTheSamePixels()
    {
        _x.Run("xsetroot", "-solid", "#336699");
        using var shm = new X11Screen(_x.DisplayName);
        using var plain = new X11Screen(_x.DisplayName, forceXGetImage: true);
        var region = new Rect(700, 400, 257, 133);

        var viaShm = shm.Capture(null, region, downscale: true, PixmapFormat.RawRgba);
        var viaGetImage = plain.Capture(null, region, downscale: true, PixmapFormat.RawRgba);

        Assert.True(shm.UsesShm);
        Assert.False(plain.UsesShm);
        Assert.Equal(viaShm.Data, viaGetImage.Data);
        using var bitmap = Pixels.Decode(viaGetImage);
        Pixels.AssertColour(bitmap, 100, 100, new SKColor(0x33, 0x66, 0x99));
    }

    [XvfbFact]
    public void Capture_SuccessiveSizesReuseTheGrabberCorrectly()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");

        foreach (var (width, height) in new[] { (100, 50), (1920, 1080), (33, 77), (100, 50) })
        {
            var pixmap = screen.Capture(null, new Rect(0, 0, width, height), downscale: true, PixmapFormat.RawRgb);
            Assert.Equal((width, height), (pixmap.Width, pixmap.Height));
            Assert.All(new[] { 0, pixmap.Data.Length - 3 }, i => Assert.Equal(new byte[] { 0xff, 0, 0 }, pixmap.Data[i..(i + 3)]));
        }
    }

    [XvfbFact]
    public void Capture_WithCursor_DrawsThePointerOnlyWhenAsked()
    {
        using var screen = new X11Screen(_x.DisplayName);
        _x.Run("xsetroot", "-solid", "#ff0000");
        _x.Run("xdotool", "mousemove", "1500", "300");
        var around = new Rect(1480, 280, 40, 40);

        using var without = Pixels.Decode(screen.Capture(null, around, downscale: true, PixmapFormat.RawRgba));
        using var with = Pixels.Decode(screen.Capture(null, around, downscale: true, PixmapFormat.RawRgba, withCursor: true));

        Assert.All(without.Pixels, p => Assert.Equal(Red, p));
        Assert.Contains(with.Pixels, p => p != Red);
        Pixels.AssertColour(with, 0, 0, Red);
    }
}
