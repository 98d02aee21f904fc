using OpenDesk.Computer;

namespace OpenDesk.Imaging;

/// <summary>One numbered mark of a Set-of-Marks screenshot: the element it stands on, and where to click it.</summary>
/// <param name="Number">The number drawn on the image, from 1.</param>
/// <param name="Element">The element as <c>ui.tree</c> returned it (its metadata identifies it for <c>ui.action</c>).</param>
/// <param name="Bounds">Its bounds in logical pixels, the space pointer input uses.</param>
/// <param name="Center">The middle of <paramref name="Bounds"/>: where a click lands on it.</param>
public sealed record Mark(int Number, UIElement Element, Rect Bounds, Point Center)
{
    public string Role => Element.Role;

    public string Name => Element.Name;
}

/// <summary>A screenshot with numbered marks drawn on the interactive elements, and the legend of the marks.</summary>
/// <param name="Image">The marked image, encoded as <see cref="Format"/>.</param>
/// <param name="Format">The encoding, <c>png</c>, <c>jpeg</c> or <c>webp</c>.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="LogicalWidth">The screen's logical width, the space of <see cref="Marks"/>.</param>
/// <param name="LogicalHeight">The screen's logical height.</param>
/// <param name="Marks">The legend, in the order of the numbers.</param>
public sealed record MarkedScreenshot(byte[] Image, string Format, int Width, int Height, int LogicalWidth, int LogicalHeight, IReadOnlyList<Mark> Marks)
{
    /// <summary>The mark with <paramref name="number"/>, or null.</summary>
    public Mark? Find(int number) => number >= 1 && number <= Marks.Count ? Marks[number - 1] : null;
}
