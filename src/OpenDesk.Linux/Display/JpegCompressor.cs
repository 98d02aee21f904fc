using System.Runtime.InteropServices;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// One TurboJPEG compressor with an output buffer kept between frames, so a stream of same-sized frames
/// allocates only the returned byte arrays. Not thread-safe (neither is a tjhandle).
/// </summary>
internal sealed unsafe class JpegCompressor : IDisposable
{
    private static readonly Lazy<bool> Loadable = new(() =>
    {
        if (!NativeLibrary.TryLoad(TurboJpeg.Library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    });

    private nint _handle;
    private byte* _buffer;
    private nuint _bufferSize;

    private JpegCompressor(nint handle)
    {
        _handle = handle;
    }

    /// <summary>A compressor, or null when libturbojpeg is not installed (callers then fall back to Skia).</summary>
    public static JpegCompressor? TryCreate()
    {
        if (!Loadable.Value)
        {
            return null;
        }

        var handle = TurboJpeg.InitCompress();
        return handle == 0 ? null : new JpegCompressor(handle);
    }

    public byte[] Compress(ScreenImage image, int quality)
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        var worstCase = TurboJpeg.BufSize(image.Width, image.Height, TurboJpeg.Subsampling420);
        if (_bufferSize < worstCase)
        {
            TurboJpeg.Free(_buffer);
            _buffer = TurboJpeg.Alloc(checked((int)worstCase));
            _bufferSize = _buffer is null ? 0 : worstCase;
            if (_buffer is null)
            {
                throw new OutOfMemoryException($"cannot allocate {worstCase} bytes for a JPEG frame");
            }
        }

        var output = _buffer;
        var size = _bufferSize;
        var status = TurboJpeg.Compress2(
            _handle, (byte*)image.Pixels, image.Width, image.Stride, image.Height, TurboJpeg.PixelFormatBgrx,
            ref output, ref size, TurboJpeg.Subsampling420, Math.Clamp(quality, 1, 100), TurboJpeg.FlagNoRealloc);
        if (status != 0)
        {
            var message = Marshal.PtrToStringUTF8((nint)TurboJpeg.GetErrorStr2(_handle)) ?? "unknown error";
            throw new OpenDeskException($"JPEG compression failed: {message}");
        }

        return new ReadOnlySpan<byte>(output, checked((int)size)).ToArray();
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            TurboJpeg.Destroy(_handle);
            _handle = 0;
        }

        TurboJpeg.Free(_buffer);
        _buffer = null;
        _bufferSize = 0;
    }
}
