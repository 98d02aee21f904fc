using System.Runtime.InteropServices;
using OpenDesk.Computer;
using SkiaSharp;

namespace OpenDesk.Mcp.Imaging;

/// <summary>An encoded image ready for a tool result.</summary>
internal sealed record EncodedImage(byte[] Data, string Format, int Width, int Height)
{
    public string MimeType => Format switch
    {
        PixmapFormat.Jpeg => "image/jpeg",
        PixmapFormat.Webp => "image/webp",
        _ => "image/png",
    };
}

/// <summary>
/// Decodes a capture, crops and scales it to the size an agent asked for, and encodes it under the byte budget of
/// a tool result (clients such as Claude Desktop refuse results over 1 MB, and images travel as base64).
/// </summary>
internal static class ScreenImaging
{
    /// <summary>Longest side of a screenshot unless the call asks otherwise.</summary>
    public const int DefaultMaxSide = 1280;

    /// <summary>The most encoded bytes an image may have: its base64 text is then at most 1,000,000 characters.</summary>
    public const int MaxImageBytes = 750_000;

    // Screen content is flat runs and sharp edges: no filtering and a middle zlib level keep 1280 px images at
    // ~10 ms and a few hundred kilobytes.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.None, 4);

    private static readonly SKSamplingOptions Halving = new(SKFilterMode.Linear, SKMipmapMode.None);

    private static readonly SKSamplingOptions Final = new(SKCubicResampler.Mitchell);

    /// <summary>The pixels of <paramref name="pixmap"/>, whatever its format.</summary>
    /// <exception cref="OpenDeskException">The data is not an image of its stated format and size.</exception>
    public static SKBitmap Decode(Pixmap pixmap)
    {
        switch (pixmap.Format)
        {
            case PixmapFormat.RawRgba:
            case PixmapFormat.RawRgb:
                var channels = pixmap.Format == PixmapFormat.RawRgba ? 4 : 3;
                if (pixmap.Width <= 0 || pixmap.Height <= 0 || pixmap.Data.Length != (long)pixmap.Width * pixmap.Height * channels)
                {
                    throw new OpenDeskException($"the desk sent {pixmap.Data.Length} bytes of {pixmap.Format} for a {pixmap.Width}x{pixmap.Height} image");
                }

                var bitmap = new SKBitmap(new SKImageInfo(pixmap.Width, pixmap.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
                if (channels == 4)
                {
                    Marshal.Copy(pixmap.Data, 0, bitmap.GetPixels(), pixmap.Data.Length);
                }
                else
                {
                    ExpandRgb(pixmap.Data, bitmap);
                }

                return bitmap;
            default:
                return SKBitmap.Decode(pixmap.Data)
                    ?? throw new OpenDeskException($"the desk's screenshot ({pixmap.Format}, {pixmap.Data.Length} bytes) could not be decoded");
        }
    }

    /// <summary>
    /// Crops <paramref name="crop"/> (image pixels) out of <paramref name="source"/>, scales it to
    /// <paramref name="width"/> × <paramref name="height"/> and encodes it. A PNG over the byte budget becomes a JPEG,
    /// and a JPEG still over it loses quality, then size; the result says what it became.
    /// </summary>
    public static EncodedImage Render(SKBitmap source, SKRectI crop, int width, int height, string format, int quality)
    {
        using var scaled = Scale(source, crop, width, height);
        var current = scaled;
        try
        {
            var encoded = Encode(current, format, quality);
            var lossyQuality = format == PixmapFormat.Png ? 80 : quality;
            while (encoded.Length > MaxImageBytes)
            {
                if (lossyQuality > 40)
                {
                    lossyQuality -= 15;
                }
                else
                {
                    // Quality alone did not do it (a busy photo at full size): shrink by a quarter and try again.
                    var smaller = Scale(current, new SKRectI(0, 0, current.Width, current.Height), Math.Max(1, current.Width * 3 / 4), Math.Max(1, current.Height * 3 / 4));
                    if (!ReferenceEquals(current, scaled))
                    {
                        current.Dispose();
                    }

                    current = smaller;
                }

                format = format == PixmapFormat.Webp ? PixmapFormat.Webp : PixmapFormat.Jpeg;
                encoded = Encode(current, format, lossyQuality);
            }

            return new EncodedImage(encoded, format, current.Width, current.Height);
        }
        finally
        {
            if (!ReferenceEquals(current, scaled))
            {
                current.Dispose();
            }
        }
    }

    /// <summary>
    /// Halves while the image is at least twice the target (an exact 2:1 linear step averages each 2×2 block, so
    /// no pixel is skipped), then one cubic step to the target: small text stays legible.
    /// </summary>
    private static SKBitmap Scale(SKBitmap source, SKRectI crop, int width, int height)
    {
        var image = SKImage.FromBitmap(source);
        var area = SKRect.Create(crop.Left, crop.Top, crop.Width, crop.Height);
        try
        {
            while (area.Width >= 2 * width && area.Height >= 2 * height)
            {
                var half = Draw(image, area, (int)(area.Width / 2), (int)(area.Height / 2), Halving);
                image.Dispose();
                image = SKImage.FromBitmap(half);
                half.Dispose();
                area = SKRect.Create(0, 0, image.Width, image.Height);
            }

            return Draw(image, area, width, height, Final);
        }
        finally
        {
            image.Dispose();
        }
    }

    private static SKBitmap Draw(SKImage image, SKRect area, int width, int height, SKSamplingOptions sampling)
    {
        var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using var canvas = new SKCanvas(target);
        canvas.DrawImage(image, area, new SKRect(0, 0, width, height), sampling);
        return target;
    }

    private static byte[] Encode(SKBitmap bitmap, string format, int quality)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = format switch
        {
            PixmapFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(Math.Clamp(quality, 1, 100), SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
            PixmapFormat.Webp => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, Math.Clamp(quality, 1, 100))),
            _ => pixmap.Encode(PngOptions),
        };
        return data?.ToArray() ?? throw new OpenDeskException($"could not encode a {bitmap.Width}x{bitmap.Height} {format} image");
    }

    private static void ExpandRgb(byte[] rgb, SKBitmap bitmap)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int source = 0, target = 0; source < rgb.Length; source += 3, target += 4)
        {
            rgba[target] = rgb[source];
            rgba[target + 1] = rgb[source + 1];
            rgba[target + 2] = rgb[source + 2];
            rgba[target + 3] = 255;
        }

        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
    }
}
