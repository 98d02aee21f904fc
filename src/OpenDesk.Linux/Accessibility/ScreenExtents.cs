namespace OpenDesk.Linux.Accessibility;

/// <summary>Component.GetExtents in screen coordinates; toolkits report an unplaced object as a 1x1 box at int.MinValue.</summary>
internal readonly record struct ScreenExtents(int X, int Y, int Width, int Height)
{
    public bool IsPlaced => X != int.MinValue && Y != int.MinValue && Width >= 0 && Height >= 0;
}
