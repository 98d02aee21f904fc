using OpenDesk.Computer;
using OpenDesk.Imaging;
using SkiaSharp;

namespace OpenDesk.Tests.Imaging;

/// <summary>Cropping, scaling and the byte budget of the one screenshot scaler the MCP tool and the CLI share.</summary>
public sealed class ScreenshotScalingTests
{
    [Fact]
    public void A_crop_is_scaled_to_the_asked_size_and_keeps_the_pixels_it_covers()
    {
        // Left half red, right half blue: a crop of the right half must come out all blue.
        var capture = RawRgb(200, 100, (x, _) => x < 100 ? ((byte)255, (byte)0, (byte)0) : ((byte)0, (byte)0, (byte)255));

        var image = ScreenshotScaling.Render(capture, new Rect(100, 0, 100, 100), 50, 50, PixmapFormat.Png);

        Assert.Equal((50, 50, PixmapFormat.Png), (image.Width, image.Height, image.Format));
        Assert.Equal((200, 100), (image.LogicalWidth, image.LogicalHeight));
        using var decoded = SKBitmap.Decode(image.Data);
        Assert.Equal((50, 50), (decoded.Width, decoded.Height));
        Assert.Equal(new SKColor(0, 0, 255), decoded.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 0, 255), decoded.GetPixel(49, 49));
    }

    [Fact]
    public void A_png_over_the_byte_budget_becomes_a_jpeg_within_it()
    {
        // Noise does not compress: as PNG this is far over 60 kB.
        var random = new Random(7);
        var capture = RawRgb(400, 300, (_, _) => ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));

        var image = ScreenshotScaling.Render(capture, null, 400, 300, PixmapFormat.Png, maxBytes: 60_000);

        Assert.Equal(PixmapFormat.Jpeg, image.Format);
        Assert.True(image.Data.Length <= 60_000, $"{image.Data.Length} bytes");
        using var decoded = SKBitmap.Decode(image.Data);
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
    }

    [Fact]
    public void A_crop_outside_the_image_and_data_that_is_no_image_are_refused()
    {
        var capture = RawRgb(20, 10, (_, _) => ((byte)0, (byte)0, (byte)0));

        Assert.Throws<ArgumentException>(() => ScreenshotScaling.Render(capture, new Rect(30, 0, 5, 5), 5, 5, PixmapFormat.Png));
        Assert.Throws<ArgumentException>(() => ScreenshotScaling.Render(capture, null, 5, 5, "bmp"));
        Assert.Throws<OpenDeskException>(() => ScreenshotScaling.Render(capture with { Data = new byte[7] }, null, 5, 5, PixmapFormat.Png));
        Assert.Throws<OpenDeskException>(() => ScreenshotScaling.Render(capture with { Format = PixmapFormat.Png, Data = [1, 2, 3] }, null, 5, 5, PixmapFormat.Png));
    }

    private static Pixmap RawRgb(int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        var data = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                var at = ((y * width) + x) * 3;
                (data[at], data[at + 1], data[at + 2]) = (r, g, b);
            }
        }

        return new Pixmap(data, width, height, width, height) { Format = PixmapFormat.RawRgb };
    }
}
