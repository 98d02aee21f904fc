using OpenDesk.Computer;

namespace OpenDesk.Linux.Display;

/// <summary>What a capture reads: a display and a whole-pixel area of the root window inside it.</summary>
internal sealed record CaptureTarget(Computer.Display Display, PixelRect Area)
{
    /// <summary>
    /// Picks the display (null means the primary one) and turns <paramref name="region"/>, in logical pixels
    /// relative to that display, into root pixels. A region is widened to whole pixels and clipped to the display,
    /// so a caller asking for slightly too much still gets the visible part rather than an error.
    /// </summary>
    public static CaptureTarget Resolve(IReadOnlyList<Computer.Display> displays, string? displayId, Rect? region)
    {
        var display = displayId is null
            ? displays.FirstOrDefault(d => d.Primary) ?? displays[0]
            : displays.FirstOrDefault(d => d.Id == displayId)
              ?? throw new ArgumentException(
                  $"unknown display_id '{displayId}'; known displays: {string.Join(", ", displays.Select(d => d.Id))}");

        var bounds = display.Bounds;
        var displayArea = new PixelRect((int)bounds.X, (int)bounds.Y, (int)bounds.Width, (int)bounds.Height);
        if (region is null)
        {
            return new CaptureTarget(display, displayArea);
        }

        if (!double.IsFinite(region.X) || !double.IsFinite(region.Y) || !double.IsFinite(region.Width) || !double.IsFinite(region.Height))
        {
            throw new ArgumentException($"region {Describe(region)} must have finite coordinates");
        }

        if (region.Width <= 0 || region.Height <= 0)
        {
            throw new ArgumentException($"region {Describe(region)} must have a positive width and height");
        }

        var left = Math.Max(0, Math.Floor(region.X));
        var top = Math.Max(0, Math.Floor(region.Y));
        var right = Math.Min(displayArea.Width, Math.Ceiling(region.X + region.Width));
        var bottom = Math.Min(displayArea.Height, Math.Ceiling(region.Y + region.Height));
        if (right <= left || bottom <= top)
        {
            throw new ArgumentException(
                $"region {Describe(region)} lies outside display '{display.Id}' ({displayArea.Width}x{displayArea.Height})");
        }

        return new CaptureTarget(display, new PixelRect(
            displayArea.X + (int)left, displayArea.Y + (int)top, (int)(right - left), (int)(bottom - top)));
    }

    private static string Describe(Rect r) =>
        FormattableString.Invariant($"(x={r.X}, y={r.Y}, width={r.Width}, height={r.Height})");
}
