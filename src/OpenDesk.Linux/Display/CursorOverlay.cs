using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Draws the pointer into a grabbed image. X never includes the cursor in GetImage (it is a hardware or
/// software sprite above the framebuffer), so a screenshot "with cursor" has to composite XFixes' copy.
/// </summary>
internal static unsafe class CursorOverlay
{
    /// <summary>Whether the server can hand out the cursor image (XFixes is present on every modern server).</summary>
    public static bool IsSupported(nint display) =>
        XFixes.XFixesQueryExtension(display, out _, out _) != 0 && XFixes.XFixesQueryVersion(display, out _, out _) != 0;

    /// <summary>
    /// Blends the current cursor over <paramref name="image"/>, which shows root area <paramref name="area"/>.
    /// Call only after <see cref="IsSupported"/> returned true on this connection.
    /// </summary>
    public static void Draw(nint display, ScreenImage image, PixelRect area)
    {
        var cursor = XFixes.XFixesGetCursorImage(display);
        if (cursor is null)
        {
            return;
        }

        try
        {
            Blend(cursor, image, area);
        }
        finally
        {
            Xlib.XFree(cursor);
        }
    }

    private static void Blend(XFixes.XFixesCursorImage* cursor, ScreenImage image, PixelRect area)
    {
        // The image's top-left in root coordinates is area.X/Y; the cursor's is its position minus the hotspot.
        var left = cursor->X - cursor->XHot - area.X;
        var top = cursor->Y - cursor->YHot - area.Y;
        var startX = Math.Max(0, -left);
        var startY = Math.Max(0, -top);
        var endX = Math.Min((int)cursor->Width, image.Width - left);
        var endY = Math.Min((int)cursor->Height, image.Height - top);
        for (var cy = startY; cy < endY; cy++)
        {
            var row = (uint*)((byte*)image.Pixels + ((nint)(top + cy) * image.Stride)) + left;
            var source = cursor->Pixels + ((nint)cy * cursor->Width);
            for (var cx = startX; cx < endX; cx++)
            {
                // ARGB, premultiplied (the Render cursor format), so "over" is src + dst × (1 − alpha).
                var argb = (uint)source[cx];
                var alpha = argb >> 24;
                if (alpha == 0)
                {
                    continue;
                }

                var inverse = 255 - alpha;
                var dst = row[cx];
                var r = ((argb >> 16) & 0xff) + (((dst >> 16) & 0xff) * inverse / 255);
                var g = ((argb >> 8) & 0xff) + (((dst >> 8) & 0xff) * inverse / 255);
                var b = (argb & 0xff) + ((dst & 0xff) * inverse / 255);
                row[cx] = 0xff000000u | (Math.Min(r, 255u) << 16) | (Math.Min(g, 255u) << 8) | Math.Min(b, 255u);
            }
        }
    }
}
