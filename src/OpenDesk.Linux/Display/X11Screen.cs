using System.Runtime.CompilerServices;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.X11;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.Display;

/// <summary>
/// The X11 display service: monitors, pointer position, screenshots and change-driven frame streams. Screenshots
/// share one connection and one set of capture buffers, so concurrent captures take turns; monitor and pointer
/// queries do not wait for an encode in progress. As the screen module it offers <c>display.capture</c>,
/// <c>display.stream</c> (PNG frames unless the client asks for another format, at most
/// <see cref="FrameStream.MaxFps"/>) and, when the server had several monitors at start, <c>display.multi_monitor</c>.
/// </summary>
internal sealed class X11Screen : IScreenModule, IDisposable
{
    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> StreamLimits =
        new Dictionary<string, IReadOnlyDictionary<string, object?>>
        {
            [OpenDesk.Protocol.Capabilities.DisplayStream] = new Dictionary<string, object?> { ["max_fps"] = (long)FrameStream.MaxFps },
        };

    private readonly XDisplayConnection _connection;
    private readonly bool _forceXGetImage;
    private readonly bool _hasMonitorList;
    private readonly Lock _captureGate = new();
    private readonly CapturePipeline _pipeline;

    /// <summary>Connects to <paramref name="displayName"/>, or <c>$DISPLAY</c> when null.</summary>
    public X11Screen(string? displayName = null)
        : this(displayName, forceXGetImage: false)
    {
    }

    /// <summary><paramref name="forceXGetImage"/> skips MIT-SHM, so tests can cover the fallback on a server that has it.</summary>
    internal X11Screen(string? displayName, bool forceXGetImage)
    {
        _connection = XDisplayConnection.Open(displayName);
        _forceXGetImage = forceXGetImage;
        try
        {
            _hasMonitorList = _connection.Run(MonitorLayout.HasMonitorList);
            _pipeline = new CapturePipeline(_connection, forceXGetImage);
            Capabilities = Displays().Count > 1
                ? [OpenDesk.Protocol.Capabilities.DisplayCapture, OpenDesk.Protocol.Capabilities.DisplayStream, OpenDesk.Protocol.Capabilities.DisplayMultiMonitor]
                : [OpenDesk.Protocol.Capabilities.DisplayCapture, OpenDesk.Protocol.Capabilities.DisplayStream];
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public IReadOnlyCollection<string> Capabilities { get; } = [];

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits => StreamLimits;

    /// <summary>Whether screenshots currently use shared memory.</summary>
    internal bool UsesShm => _pipeline.UsesShm;

    /// <summary>Every monitor; ids are RandR monitor names, so they stay the same across calls.</summary>
    public IReadOnlyList<Computer.Display> Displays() =>
        _connection.Run(d => MonitorLayout.Query(d, _connection.Root, _connection.Screen, _hasMonitorList));

    /// <summary>The pointer in root (logical) coordinates.</summary>
    public Point CursorPosition() => _connection.Run(d =>
    {
        Xlib.XQueryPointer(d, _connection.Root, out _, out _, out var x, out var y, out _, out _, out _);
        return new Point(x, y);
    });

    /// <summary>A screenshot of a display (null: the primary one) or of a region of it in logical pixels.</summary>
    /// <param name="displayId">A <see cref="Computer.Display.Id"/> from <see cref="Displays"/>, or null for the primary display.</param>
    /// <param name="region">Logical pixels relative to the display's top-left; clipped to the display.</param>
    /// <param name="downscale">Shrink captures wider than 1920 px to 1920 px wide; the logical size stays the captured one.</param>
    /// <param name="format">One of <see cref="PixmapFormat"/>.</param>
    /// <param name="quality">0–100, for jpeg and webp.</param>
    /// <param name="withCursor">Draw the pointer into the image (X leaves it out of every grab).</param>
    public Pixmap Capture(string? displayId, Rect? region, bool downscale, string format = PixmapFormat.Png, int quality = ImageEncoder.DefaultQuality, bool withCursor = false)
    {
        var validFormat = ImageEncoder.ValidateFormat(format, quality);
        var target = CaptureTarget.Resolve(Displays(), displayId, region);
        lock (_captureGate)
        {
            return _pipeline.Capture(target, validFormat, quality, downscale, withCursor);
        }
    }

    /// <summary>
    /// Frames of a display or region whenever it changed, at most <paramref name="fps"/> (capped at 30) per second,
    /// the first one at once. Arguments are checked before this returns; the stream ends by cancellation, which
    /// surfaces as <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<DisplayFrame> Subscribe(
        string? displayId, int fps, Rect? region, string format = PixmapFormat.Png, int quality = ImageEncoder.DefaultQuality,
        CancellationToken cancellationToken = default)
    {
        if (fps < 1)
        {
            throw new ArgumentException($"fps must be at least 1, got {fps}");
        }

        var validFormat = ImageEncoder.ValidateFormat(format, quality);
        var target = CaptureTarget.Resolve(Displays(), displayId, region);
        return FrameStream.RunAsync(_connection.Name, target, Math.Min(fps, FrameStream.MaxFps), validFormat, quality, _forceXGetImage, cancellationToken);
    }

    Task<IReadOnlyList<Computer.Display>> IScreenModule.DisplaysAsync(CancellationToken cancellationToken) => Task.FromResult(Displays());

    Task<Pixmap> IScreenModule.CaptureAsync(string? displayId, Rect? region, bool downscale, string? format, int? quality, bool cursor, CancellationToken cancellationToken) =>
        Task.Run(() => Capture(displayId, region, downscale, format ?? PixmapFormat.Png, quality ?? ImageEncoder.DefaultQuality, cursor), cancellationToken);

    Task<Point> IScreenModule.CursorPositionAsync(CancellationToken cancellationToken) => Task.FromResult(CursorPosition());

    // An iterator, so a bad argument fails the first MoveNextAsync like any other stream error.
    async IAsyncEnumerable<DisplayFrame> IScreenModule.SubscribeDisplayAsync(
        string? displayId, int fps, Rect? region, string? format, int? quality, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in Subscribe(displayId, fps, region, format ?? PixmapFormat.Png, quality ?? ImageEncoder.DefaultQuality, cancellationToken).ConfigureAwait(false))
        {
            yield return frame;
        }
    }

    public void Dispose()
    {
        lock (_captureGate)
        {
            _pipeline.Dispose();
        }

        _connection.Dispose();
    }
}
