using SkiaSharp;

namespace OpenDesk.Imaging;

/// <summary>
/// Mark numbers drawn from a built-in 5×7 pixel font: a desk or a container often has no fonts installed, and Skia's
/// dependency-free native build cannot look any up, so the digits must not need one.
/// </summary>
internal static class DigitFont
{
    private const int Columns = 5;
    private const int Rows = 7;

    // Each digit is seven rows of five bits, the leftmost pixel in the highest bit.
    private static readonly byte[][] Glyphs =
    [
        [0b01110, 0b10001, 0b10011, 0b10101, 0b11001, 0b10001, 0b01110],
        [0b00100, 0b01100, 0b00100, 0b00100, 0b00100, 0b00100, 0b01110],
        [0b01110, 0b10001, 0b00001, 0b00010, 0b00100, 0b01000, 0b11111],
        [0b11111, 0b00010, 0b00100, 0b00010, 0b00001, 0b10001, 0b01110],
        [0b00010, 0b00110, 0b01010, 0b10010, 0b11111, 0b00010, 0b00010],
        [0b11111, 0b10000, 0b11110, 0b00001, 0b00001, 0b10001, 0b01110],
        [0b00110, 0b01000, 0b10000, 0b11110, 0b10001, 0b10001, 0b01110],
        [0b11111, 0b00001, 0b00010, 0b00100, 0b01000, 0b01000, 0b01000],
        [0b01110, 0b10001, 0b10001, 0b01110, 0b10001, 0b10001, 0b01110],
        [0b01110, 0b10001, 0b10001, 0b01111, 0b00001, 0b00010, 0b01100],
    ];

    /// <summary>A filled label with white <paramref name="digits"/>, its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public static void DrawLabel(SKCanvas canvas, string digits, float x, float y, int scale, SKColor background)
    {
        var padding = scale;
        var width = (digits.Length * (Columns + 1) * scale) - scale + (2 * padding);
        var height = (Rows * scale) + (2 * padding);
        using var fill = new SKPaint { Color = background, IsAntialias = false };
        canvas.DrawRect(x, y, width, height, fill);
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = false };
        var left = x + padding;
        foreach (var digit in digits)
        {
            var glyph = Glyphs[digit - '0'];
            for (var row = 0; row < Rows; row++)
            {
                for (var column = 0; column < Columns; column++)
                {
                    if ((glyph[row] & (1 << (Columns - 1 - column))) != 0)
                    {
                        canvas.DrawRect(left + (column * scale), y + padding + (row * scale), scale, scale, ink);
                    }
                }
            }

            left += (Columns + 1) * scale;
        }
    }
}
