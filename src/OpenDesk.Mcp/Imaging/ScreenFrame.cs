using OpenDesk.Computer;

namespace OpenDesk.Mcp.Imaging;

/// <summary>
/// Where a screenshot sits on the desk: the logical rectangle it shows and how many image pixels stand for one
/// logical pixel. Mouse coordinates given in the screenshot's space map back through it.
/// </summary>
/// <param name="Area">The shown rectangle, in logical pixels of the whole desktop (the space pointer input uses).</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
internal sealed record ScreenFrame(Rect Area, int Width, int Height)
{
    public double ScaleX => Area.Width > 0 ? Width / Area.Width : 1;

    public double ScaleY => Area.Height > 0 ? Height / Area.Height : 1;

    /// <summary>The logical point under image pixel (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public Point ToLogical(double x, double y) => new(Area.X + (x / ScaleX), Area.Y + (y / ScaleY));

    /// <summary>Where a logical point shows in the image (it may be outside it).</summary>
    public Point ToImage(Point logical) => new((logical.X - Area.X) * ScaleX, (logical.Y - Area.Y) * ScaleY);

    /// <summary>Whether (<paramref name="x"/>, <paramref name="y"/>) is on the image: pixel i covers [i, i + 1), so x = Width is past it.</summary>
    public bool Contains(double x, double y) => x >= 0 && y >= 0 && x < Width && y < Height;
}
