using OpenDesk.Computer;
using SkiaSharp;

namespace OpenDesk.Tests.Linux.Display;

/// <summary>Reads colours back out of captured pixmaps, whatever their format.</summary>
internal static class Pixels
{
    public static SKBitmap Decode(Pixmap pixmap)
    {
        switch (pixmap.Format)
        {
            case PixmapFormat.RawRgba:
            case PixmapFormat.RawRgb:
                var bytesPerPixel = pixmap.Format == PixmapFormat.RawRgba ? 4 : 3;
                Assert.Equal(pixmap.Width * pixmap.Height * bytesPerPixel, pixmap.Data.Length);
                var bitmap = new SKBitmap(new SKImageInfo(pixmap.Width, pixmap.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                for (var y = 0; y < pixmap.Height; y++)
                {
                    for (var x = 0; x < pixmap.Width; x++)
                    {
                        var i = ((y * pixmap.Width) + x) * bytesPerPixel;
                        var alpha = bytesPerPixel == 4 ? pixmap.Data[i + 3] : (byte)255;
                        bitmap.SetPixel(x, y, new SKColor(pixmap.Data[i], pixmap.Data[i + 1], pixmap.Data[i + 2], alpha));
                    }
                }

                return bitmap;
            default:
                return SKBitmap.Decode(pixmap.Data) ?? throw new Xunit.Sdk.XunitException($"{pixmap.Format} data does not decode");
        }
    }

    /// <summary>Asserts the colour at (x, y) within <paramref name="tolerance"/> per channel (lossy formats drift a little).</summary>
    public static void AssertColour(SKBitmap bitmap, int x, int y, SKColor expected, int tolerance = 0)
    {
        var actual = bitmap.GetPixel(x, y);
        Assert.True(IsColour(bitmap, x, y, expected, tolerance) && actual.Alpha == 255, $"pixel ({x}, {y}) is {actual}, expected {expected} ± {tolerance}");
    }

    public static bool IsColour(SKBitmap bitmap, int x, int y, SKColor expected, int tolerance = 0)
    {
        var actual = bitmap.GetPixel(x, y);
        return Math.Abs(actual.Red - expected.Red) <= tolerance
            && Math.Abs(actual.Green - expected.Green) <= tolerance
            && Math.Abs(actual.Blue - expected.Blue) <= tolerance;
    }
}
