using OpenDesk.Computer;
using SkiaSharp;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Turns grabbed BGRX pixels into the requested <see cref="PixmapFormat"/>, shrinking wide captures first when
/// asked. Keeps its JPEG compressor and scaling buffers between calls, so one instance belongs to one capture
/// pipeline and is not thread-safe.
/// </summary>
internal sealed class ImageEncoder : IDisposable
{
    /// <summary>Upstream's downscale cap: wider captures shrink to this width, keeping the aspect ratio.</summary>
    public const int MaxDownscaledWidth = 1920;

    public const int DefaultQuality = 80;

    private static readonly string[] Formats = [PixmapFormat.Png, PixmapFormat.Jpeg, PixmapFormat.Webp, PixmapFormat.RawRgba, PixmapFormat.RawRgb];

    // The "none" filter and the fastest zlib level: screen content is dominated by flat runs that deflate handles on
    // its own, so adaptive filtering and higher levels cost 2–3× the time (1080p: ~20 ms against ~55 ms) for files
    // only ~20 % smaller. NoFilters is not the same thing: it lets libpng pick filters adaptively, the slow path.
    private static readonly SKPngEncoderOptions PngOptions = new(SKPngEncoderFilterFlags.None, 1);

    private static readonly SKSamplingOptions ScaleSampling = new(SKFilterMode.Linear, SKMipmapMode.None);

    private readonly Dictionary<int, SKBitmap> _scaleTargets = [];

    private JpegCompressor? _jpeg;
    private bool _jpegProbed;

    /// <summary>Checks <paramref name="format"/> and <paramref name="quality"/> before any pixels are grabbed.</summary>
    public static string ValidateFormat(string? format, int quality)
    {
        var normalized = format ?? PixmapFormat.Png;
        if (Array.IndexOf(Formats, normalized) < 0)
        {
            throw new ArgumentException($"unknown image format '{format}'; expected one of {string.Join(", ", Formats)}");
        }

        if (quality is < 0 or > 100)
        {
            throw new ArgumentException($"quality {quality} is out of range; expected 0–100");
        }

        return normalized;
    }

    /// <summary>The scaled size for an image <paramref name="width"/> × <paramref name="height"/> under the downscale cap.</summary>
    public static (int Width, int Height) DownscaledSize(int width, int height) => width <= MaxDownscaledWidth
        ? (width, height)
        : (MaxDownscaledWidth, Math.Max(1, (int)Math.Round((double)height * MaxDownscaledWidth / width)));

    /// <summary>Encodes <paramref name="image"/>; the result's size is the image's after any downscale.</summary>
    public (byte[] Data, int Width, int Height) Encode(ScreenImage image, string format, int quality, bool downscale)
    {
        var source = downscale && image.Width > MaxDownscaledWidth ? Downscale(image) : image;
        var data = format switch
        {
            PixmapFormat.Png => EncodeWithSkia(source, static p => p.Encode(PngOptions)),
            PixmapFormat.Jpeg => EncodeJpeg(source, quality),
            PixmapFormat.Webp => EncodeWebp(source, quality),
            PixmapFormat.RawRgba => PixelPacking.ToRgba(source),
            PixmapFormat.RawRgb => PixelPacking.ToRgb(source),
            _ => throw new ArgumentException($"unknown image format '{format}'; expected one of {string.Join(", ", Formats)}"),
        };
        return (data, source.Width, source.Height);
    }

    private byte[] EncodeJpeg(ScreenImage image, int quality)
    {
        if (!_jpegProbed)
        {
            _jpeg = JpegCompressor.TryCreate();
            _jpegProbed = true;
        }

        return _jpeg is not null
            ? _jpeg.Compress(image, quality)
            : EncodeWithSkia(image, p => p.Encode(new SKJpegEncoderOptions(Math.Clamp(quality, 1, 100), SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));
    }

    private static byte[] EncodeWebp(ScreenImage image, int quality)
    {
        PixelPacking.MakeOpaque(image);
        return EncodeWithSkia(image, p => p.Encode(WebpOptions(quality)));
    }

    /// <summary>
    /// Quality 100 asks for an exact image, which lossless WebP gives at its lowest effort, and on screen content
    /// that is both smaller and about 3× faster than lossy (1080p: ~55 ms against ~180 ms).
    /// </summary>
    private static SKWebpEncoderOptions WebpOptions(int quality) => quality >= 100
        ? new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 0)
        : new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality);

    /// <summary>
    /// Halves the image (bilinear at exactly 1:2 averages each 2×2 block, a box filter) while it is at least twice
    /// the target width, then scales the rest of the way bilinearly. Text stays legible on 4K/5K screens where one
    /// bilinear step would skip pixels, at a fraction of the cost of mipmaps, which Skia rebuilds on every call
    /// (5120 px: ~25 ms against ~200 ms; 2560 px: ~6 ms). Drawing through a canvas with the default src-over paint
    /// is ~4× faster than SKPixmap.ScalePixels, and faster than a "src" blend paint, which leaves Skia's opaque
    /// fast path.
    /// </summary>
    private ScreenImage Downscale(ScreenImage image)
    {
        var (width, height) = DownscaledSize(image.Width, image.Height);
        var source = SKImage.FromPixels(Info(image.Width, image.Height), image.Pixels, image.Stride)
            ?? throw new OpenDeskException($"cannot scale a {image.Width}x{image.Height} capture");
        try
        {
            for (var level = 0; source.Width >= 2 * width; level++)
            {
                var half = ScaleTarget(level, source.Width / 2, source.Height / 2);
                Draw(source, half);
                source.Dispose();
                source = SKImage.FromPixels(half.Info, half.GetPixels(), half.RowBytes);
            }

            var scaled = ScaleTarget(-1, width, height);
            Draw(source, scaled);
            return new ScreenImage(scaled.GetPixels(), width, height, scaled.RowBytes);
        }
        finally
        {
            source.Dispose();
        }
    }

    /// <summary>A cached bitmap for one step of <see cref="Downscale"/> (-1: the final image), reallocated when its size changes.</summary>
    private SKBitmap ScaleTarget(int step, int width, int height)
    {
        if (_scaleTargets.TryGetValue(step, out var bitmap) && bitmap.Width == width && bitmap.Height == height)
        {
            return bitmap;
        }

        bitmap?.Dispose();
        bitmap = new SKBitmap(Info(width, height));
        _scaleTargets[step] = bitmap;
        return bitmap;
    }

    private void Draw(SKImage source, SKBitmap target)
    {
        using var canvas = new SKCanvas(target);
        canvas.DrawImage(source, new SKRect(0, 0, target.Width, target.Height), ScaleSampling);
    }

    private static byte[] EncodeWithSkia(ScreenImage image, Func<SKPixmap, SKData?> encode)
    {
        using var pixmap = Wrap(image);
        using var data = encode(pixmap) ?? throw new OpenDeskException($"Skia could not encode a {image.Width}x{image.Height} image");
        return data.ToArray();
    }

    /// <summary>Views the grabbed pixels without copying.</summary>
    private static SKPixmap Wrap(ScreenImage image) => new(Info(image.Width, image.Height), image.Pixels, image.Stride);

    /// <summary>BGRA declared opaque, so Skia ignores the undefined X byte (except the WebP encoder, see <see cref="EncodeWebp"/>).</summary>
    private static SKImageInfo Info(int width, int height) => new(width, height, SKColorType.Bgra8888, SKAlphaType.Opaque);

    public void Dispose()
    {
        _jpeg?.Dispose();
        _jpeg = null;
        foreach (var bitmap in _scaleTargets.Values)
        {
            bitmap.Dispose();
        }

        _scaleTargets.Clear();
    }
}
