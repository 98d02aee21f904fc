namespace OpenDesk.Linux.Display;

/// <summary>A whole-pixel rectangle in root-window coordinates, the unit X requests work in.</summary>
internal readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public bool Intersects(int x, int y, int width, int height) =>
        x < Right && X < x + width && y < Bottom && Y < y + height;
}
