namespace OpenDesk.Computer.Modules;

/// <summary>
/// The screen (capabilities <c>display.capture</c>, <c>display.multi_monitor</c>, <c>display.stream</c>):
/// monitors, screenshots, the pointer position and frame streams. Its displays are also those
/// <c>system.environment</c> reports.
/// </summary>
public interface IScreenModule : IComputerModule
{
    /// <summary><c>display.displays</c> (<c>display.capture</c>): every monitor.</summary>
    Task<IReadOnlyList<Display>> DisplaysAsync(CancellationToken cancellationToken);

    /// <summary><c>display.capture</c>: a screenshot; the parameters are those of <see cref="IComputer.CaptureAsync"/>.</summary>
    /// <param name="displayId">The display to capture; null means the primary display.</param>
    /// <param name="region">A part of the display in logical pixels; null means all of it.</param>
    /// <param name="downscale">Whether the module may shrink large captures.</param>
    /// <param name="format">One of <see cref="PixmapFormat"/>; null means png.</param>
    /// <param name="quality">0–100 for the lossy formats; null means the module's default.</param>
    /// <param name="cursor">Draw the mouse pointer into the image.</param>
    /// <param name="cancellationToken">Aborts the capture.</param>
    Task<Pixmap> CaptureAsync(string? displayId, Rect? region, bool downscale, string? format, int? quality, bool cursor, CancellationToken cancellationToken);

    /// <summary><c>display.cursor_position</c> (<c>display.capture</c>): where the pointer is.</summary>
    Task<Point> CursorPositionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The <c>display.subscribe</c> stream (<c>display.stream</c>): frames of a display at up to
    /// <paramref name="fps"/>; the first at once, then on change, and at least one a second while nothing changes
    /// (<see cref="IComputer.SubscribeDisplayAsync"/>). Only called when the module lists <c>display.stream</c>.
    /// </summary>
    /// <param name="displayId">The display; null means the primary display.</param>
    /// <param name="fps">Frames per second at most, already capped at 30.</param>
    /// <param name="region">A part of the display in logical pixels; null means all of it.</param>
    /// <param name="format">One of <see cref="PixmapFormat"/>; null means png.</param>
    /// <param name="quality">0–100 for the lossy formats; null means the module's default.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    IAsyncEnumerable<DisplayFrame> SubscribeDisplayAsync(string? displayId, int fps, Rect? region, string? format, int? quality, CancellationToken cancellationToken);
}
