using OpenDesk.Computer;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Grab, optional cursor, optional downscale, encode: the path every screenshot and stream frame takes. It owns
/// reusable native buffers (SHM segment, JPEG output, scale target), so each pipeline serves one caller at a time.
/// </summary>
internal sealed class CapturePipeline : IDisposable
{
    private readonly XDisplayConnection _connection;
    private readonly ScreenGrabber _grabber;
    private readonly ImageEncoder _encoder = new();
    private bool? _cursorSupported;

    public CapturePipeline(XDisplayConnection connection, bool forceXGetImage = false)
    {
        _connection = connection;
        _grabber = new ScreenGrabber(connection, forceXGetImage);
    }

    public bool UsesShm => _grabber.UsesShm;

    /// <summary>Captures <paramref name="target"/>; <paramref name="format"/> must have passed <see cref="ImageEncoder.ValidateFormat"/>.</summary>
    public Pixmap Capture(CaptureTarget target, string format, int quality, bool downscale, bool withCursor)
    {
        var area = target.Area;
        var capturedAt = Wire.Now();
        var image = _grabber.Grab(area);
        if (withCursor)
        {
            _connection.Run(display =>
            {
                _cursorSupported ??= CursorOverlay.IsSupported(display);
                if (_cursorSupported == true)
                {
                    CursorOverlay.Draw(display, image, area);
                }
            });
        }

        var (data, width, height) = _encoder.Encode(image, format, quality, downscale);
        return new Pixmap(data, width, height, area.Width, area.Height)
        {
            Format = format,
            DisplayId = target.Display.Id,
            CapturedAt = capturedAt,
        };
    }

    public void Dispose()
    {
        _grabber.Dispose();
        _encoder.Dispose();
    }
}
