using OpenDesk.Computer;
using SkiaSharp;

namespace OpenDesk.Imaging;

/// <summary>
/// Crops, scales and re-encodes screenshots on the controller, for wherever they go next: an agent's context (where
/// clients such as Claude Desktop refuse tool results over 1 MB), a file, a smaller preview. Scaling keeps small
/// text legible, and every capture format a server sends (PNG, JPEG, WebP, raw RGB/RGBA) is read.
/// </summary>
public static class ScreenshotScaling
{
    // Screen content is flat runs and sharp edges: no filtering and a middle zlib level keep 1280 px images at
    // ~10 ms and a few hundred kilobytes.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.None, 4);

    // Between 2:1 and 1:1 bilinear reads every source pixel and is ~6× faster than a cubic filter (1080p to 1280 px:
    // ~5 ms against ~35 ms); halving steps keep each step within that range.
    private static readonly SKSamplingOptions Sampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    /// <summary>
    /// Crops <paramref name="crop"/> (in image pixels; the whole image when null) out of <paramref name="capture"/>,
    /// scales it to <paramref name="width"/> × <paramref name="height"/> and encodes it as <paramref name="format"/>
    /// (<see cref="PixmapFormat.Png"/>, <see cref="PixmapFormat.Jpeg"/> or <see cref="PixmapFormat.Webp"/>). When the
    /// result is over <paramref name="maxBytes"/>, a PNG becomes a JPEG, and a JPEG or WebP loses quality, then size;
    /// the returned pixmap's format and size say what it became. It keeps the capture's logical size and display.
    /// </summary>
    /// <exception cref="ArgumentException">A size or byte budget below 1, an unknown format, or a crop outside the image.</exception>
    /// <exception cref="OpenDeskException">The capture's data is not an image of its stated format and size.</exception>
    public static Pixmap Render(Pixmap capture, Rect? crop, int width, int height, string format, int quality = 80, int maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (format is not (PixmapFormat.Png or PixmapFormat.Jpeg or PixmapFormat.Webp))
        {
            throw new ArgumentException($"format must be png, jpeg or webp, got '{format}'", nameof(format));
        }

        using var image = Decode(capture);
        var pixels = crop is { } area ? PixelBox(area, image) : new SKRectI(0, 0, image.Width, image.Height);
        var (data, encoded, finalWidth, finalHeight) = Encode(image, pixels, width, height, format, quality, maxBytes);
        return capture with { Data = data, Format = encoded, Width = finalWidth, Height = finalHeight };
    }

    /// <summary>The whole pixels <paramref name="area"/> touches, which must overlap the image.</summary>
    private static SKRectI PixelBox(Rect area, SKImage image)
    {
        var left = Math.Max(0, (int)Math.Floor(area.X));
        var top = Math.Max(0, (int)Math.Floor(area.Y));
        var right = Math.Min(image.Width, (int)Math.Ceiling(area.X + area.Width));
        var bottom = Math.Min(image.Height, (int)Math.Ceiling(area.Y + area.Height));
        if (right <= left || bottom <= top)
        {
            throw new ArgumentException($"the crop ({area.X}, {area.Y}, {area.Width}x{area.Height}) lies outside the {image.Width}x{image.Height} image", "crop");
        }

        return new SKRectI(left, top, right, bottom);
    }

    /// <summary>The pixels of <paramref name="pixmap"/>, whatever its format.</summary>
    /// <exception cref="OpenDeskException">The data is not an image of its stated format and size.</exception>
    private static SKImage Decode(Pixmap pixmap)
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

    private static (byte[] Data, string Format, int Width, int Height) Encode(SKImage source, SKRectI crop, int width, int height, string format, int quality, int maxBytes)
    {
        using var scaled = Scale(source, crop, width, height);
        var current = scaled;
        try
        {
            var encoded = Encode(current, format, quality);
            var lossyQuality = format == PixmapFormat.Png ? 80 : quality;
            while (encoded.Length > maxBytes)
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

            return (encoded, format, current.Width, current.Height);
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
