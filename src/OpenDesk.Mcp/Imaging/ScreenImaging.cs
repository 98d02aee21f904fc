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

    // Between 2:1 and 1:1 bilinear reads every source pixel and is ~6× faster than a cubic filter (1080p to 1280 px:
    // ~5 ms against ~35 ms); halving steps keep each step within that range.
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>The pixels of <paramref name="pixmap"/>, whatever its format.</summary>
    /// <exception cref="OpenDeskException">The data is not an image of its stated format and size.</exception>
    public static SKImage Decode(Pixmap pixmap)
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

                // Drawn as they are: scaling into the platform's order converts on the way, cheaper than a swizzle first.
                var rgba = channels == 4 ? pixmap.Data : ExpandRgb(pixmap.Data);
                return SKImage.FromPixelCopy(new SKImageInfo(pixmap.Width, pixmap.Height, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba, pixmap.Width * 4)
                    ?? throw new OpenDeskException($"cannot read a {pixmap.Width}x{pixmap.Height} {pixmap.Format} capture");
            default:
                using (var data = SKData.CreateCopy(pixmap.Data))
                {
                    return SKImage.FromEncodedData(data)?.ToRasterImage(ensurePixelData: true)
                        ?? throw new OpenDeskException($"the desk's screenshot ({pixmap.Format}, {pixmap.Data.Length} bytes) could not be decoded");
                }
        }
    }

    /// <summary>
    /// Crops <paramref name="crop"/> (image pixels) out of <paramref name="source"/>, scales it to
    /// <paramref name="width"/> × <paramref name="height"/> and encodes it. A PNG over the byte budget becomes a JPEG,
    /// and a JPEG still over it loses quality, then size; the result says what it became.
    /// </summary>
    public static EncodedImage Render(SKImage source, SKRectI crop, int width, int height, string format, int quality)
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
                    var smaller = Scale(current, Math.Max(1, current.Width * 3 / 4), Math.Max(1, current.Height * 3 / 4));
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
    /// no pixel is skipped), then one linear step to the target: small text stays legible.
    /// </summary>
    private static SKBitmap Scale(SKImage source, SKRectI crop, int width, int height)
    {
        var area = SKRect.Create(crop.Left, crop.Top, crop.Width, crop.Height);
        SKBitmap? step = null;
        var image = source;
        try
        {
            while (area.Width >= 2 * width && area.Height >= 2 * height)
            {
                var half = Draw(image, area, (int)(area.Width / 2), (int)(area.Height / 2));
                Release(image, source, step);
                step = half;
                image = SKImage.FromPixels(half.PeekPixels());
                area = SKRect.Create(0, 0, half.Width, half.Height);
            }

            return Draw(image, area, width, height);
        }
        finally
        {
            Release(image, source, step);
        }
    }

    private static SKBitmap Scale(SKBitmap source, int width, int height)
    {
        using var image = SKImage.FromPixels(source.PeekPixels());
        return Scale(image, new SKRectI(0, 0, source.Width, source.Height), width, height);
    }

    private static void Release(SKImage image, SKImage source, SKBitmap? step)
    {
        if (!ReferenceEquals(image, source))
        {
            image.Dispose();
            step?.Dispose();
        }
    }

    private static SKBitmap Draw(SKImage image, SKRect area, int width, int height)
    {
        var target = new SKBitmap(Info(width, height));
        using var canvas = new SKCanvas(target);
        canvas.DrawImage(image, area, new SKRect(0, 0, width, height), Sampling);
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

    /// <summary>Opaque pixels in the platform's byte order (BGRA on x86 and ARM), the one Skia draws fastest.</summary>
    private static SKImageInfo Info(int width, int height) => new(width, height, SKImageInfo.PlatformColorType, SKAlphaType.Opaque);

    private static byte[] ExpandRgb(byte[] rgb)
    {
        var rgba = new byte[rgb.Length / 3 * 4];
        for (int source = 0, target = 0; source < rgb.Length; source += 3, target += 4)
        {
            rgba[target] = rgb[source];
            rgba[target + 1] = rgb[source + 1];
            rgba[target + 2] = rgb[source + 2];
            rgba[target + 3] = 255;
        }

        return rgba;
    }
}
