namespace OpenDesk.Linux.Display;

/// <summary>
/// Grabbed pixels in BGRX order (little-endian 0xXXRRGGBB words; the X byte is undefined). The memory belongs to
/// the grabber and stays valid only until its next grab, which is why encoders read it synchronously; they may also
/// write to it (cursor overlay, opaque alpha), since the next grab overwrites it anyway.
/// </summary>
internal readonly record struct ScreenImage(nint Pixels, int Width, int Height, int Stride);
