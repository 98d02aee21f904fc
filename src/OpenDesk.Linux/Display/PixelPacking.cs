using System.Runtime.Intrinsics;

namespace OpenDesk.Linux.Display;

/// <summary>BGRX to the raw wire formats: tightly packed rows, RGBA with opaque alpha or RGB.</summary>
internal static unsafe class PixelPacking
{
    /// <summary>
    /// Sets every X byte to 0xff in place. Skia's WebP encoder writes the fourth byte as alpha even for an
    /// image declared opaque, and X servers leave it 0, which would make the whole picture transparent.
    /// </summary>
    public static void MakeOpaque(ScreenImage image)
    {
        var opaque = Vector128.Create(0xff000000u);
        for (var y = 0; y < image.Height; y++)
        {
            var row = (uint*)((byte*)image.Pixels + ((nint)y * image.Stride));
            var x = 0;
            for (; x + 4 <= image.Width; x += 4)
            {
                (Vector128.Load(row + x) | opaque).Store(row + x);
            }

            for (; x < image.Width; x++)
            {
                row[x] |= 0xff000000u;
            }
        }
    }

    public static byte[] ToRgba(ScreenImage image)
    {
        var result = GC.AllocateUninitializedArray<byte>(checked(image.Width * image.Height * 4));
        fixed (byte* target = result)
        {
            for (var y = 0; y < image.Height; y++)
            {
                var source = (byte*)image.Pixels + ((nint)y * image.Stride);
                var row = target + ((nint)y * image.Width * 4);
                var x = 0;
                if (Vector128.IsHardwareAccelerated)
                {
                    var order = Vector128.Create((byte)2, 1, 0, 3, 6, 5, 4, 7, 10, 9, 8, 11, 14, 13, 12, 15);
                    var opaque = Vector128.Create(0xff000000u).AsByte();
                    for (; x + 4 <= image.Width; x += 4)
                    {
                        var pixels = Vector128.Load(source + (x * 4));
                        (Vector128.Shuffle(pixels, order) | opaque).Store(row + (x * 4));
                    }
                }

                for (; x < image.Width; x++)
                {
                    var s = source + (x * 4);
                    var t = row + (x * 4);
                    t[0] = s[2];
                    t[1] = s[1];
                    t[2] = s[0];
                    t[3] = 0xff;
                }
            }
        }

        return result;
    }

    public static byte[] ToRgb(ScreenImage image)
    {
        var result = GC.AllocateUninitializedArray<byte>(checked(image.Width * image.Height * 3));
        fixed (byte* target = result)
        {
            for (var y = 0; y < image.Height; y++)
            {
                var source = (byte*)image.Pixels + ((nint)y * image.Stride);
                var row = target + ((nint)y * image.Width * 3);
                var x = 0;
                if (Vector128.IsHardwareAccelerated)
                {
                    // Four pixels in, twelve bytes out; the 16-byte store spills four junk bytes that the next store
                    // overwrites, so stop while a whole vector still fits in the row.
                    var order = Vector128.Create((byte)2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0xff, 0xff, 0xff, 0xff);
                    for (; x + 6 <= image.Width; x += 4)
                    {
                        Vector128.Shuffle(Vector128.Load(source + (x * 4)), order).Store(row + (x * 3));
                    }
                }

                for (; x < image.Width; x++)
                {
                    var s = source + (x * 4);
                    var t = row + (x * 3);
                    t[0] = s[2];
                    t[1] = s[1];
                    t[2] = s[0];
                }
            }
        }

        return result;
    }
}
