using System.Runtime.InteropServices;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Reads root-window pixels on one connection. MIT-SHM lets the server write into a segment we keep mapped
/// between grabs; when the extension is missing or the server cannot attach our segment (a remote X server,
/// a container without shared IPC) it falls back to XGetImage, which copies the pixels through the socket.
/// Not thread-safe: one owner grabs and reads the returned <see cref="ScreenImage"/> before grabbing again.
/// </summary>
internal sealed unsafe class ScreenGrabber : IDisposable
{
    private readonly XDisplayConnection _connection;
    private readonly nint _visual;
    private readonly int _depth;
    private bool _shmUsable;
    private XShm.XShmSegmentInfo* _segment;
    private nuint _segmentSize;
    private Xlib.XImage* _shmImage;
    private Xlib.XImage* _plainImage;
    private byte* _converted;
    private nuint _convertedSize;

    public ScreenGrabber(XDisplayConnection connection, bool forceXGetImage = false)
    {
        _connection = connection;
        (_visual, _depth, _shmUsable) = connection.Run(d => (
            Xlib.XDefaultVisual(d, connection.Screen),
            Xlib.XDefaultDepth(d, connection.Screen),
            !forceXGetImage && XShm.XShmQueryExtension(d) != 0));
    }

    /// <summary>Whether grabs currently go through shared memory (false after a failed attach).</summary>
    public bool UsesShm => _shmUsable;

    /// <summary>Grabs <paramref name="area"/> of the root window; the result is valid until the next grab or dispose.</summary>
    public ScreenImage Grab(PixelRect area) => _connection.Run(display =>
    {
        if (_shmUsable && TryGrabShm(display, area, out var image))
        {
            return image;
        }

        return GrabPlain(display, area);
    });

    private bool TryGrabShm(nint display, PixelRect area, out ScreenImage result)
    {
        result = default;
        var bytesNeeded = (nuint)area.Width * (nuint)area.Height * 4;
        if (_segment is null || _segmentSize < bytesNeeded)
        {
            // Sized for the whole screen at least, so region captures of any size share one segment.
            var screenBytes = (nuint)Xlib.XDisplayWidth(display, _connection.Screen) * (nuint)Xlib.XDisplayHeight(display, _connection.Screen) * 4;
            FreeShm(display);
            if (!AttachSegment(display, Math.Max(bytesNeeded, screenBytes)))
            {
                _shmUsable = false;
                return false;
            }
        }

        // The XImage is only a header over the segment, so a new size costs a malloc, not a new segment.
        if (_shmImage is null || _shmImage->Width != area.Width || _shmImage->Height != area.Height)
        {
            DestroyShmImage();
            _shmImage = XShm.XShmCreateImage(display, _visual, (uint)_depth, Xlib.ZPixmap, null, _segment, (uint)area.Width, (uint)area.Height);
            if (_shmImage is null)
            {
                FreeShm(display);
                _shmUsable = false;
                return false;
            }

            _shmImage->Data = _segment->ShmAddr;
        }

        XErrorTrap.Clear(display);
        if (XShm.XShmGetImage(display, _connection.Root, _shmImage, area.X, area.Y, Xlib.AllPlanes) == 0)
        {
            throw GrabFailed(display, area);
        }

        result = Normalize(_shmImage);
        return true;
    }

    private bool AttachSegment(nint display, nuint size)
    {
        var id = XShm.ShmGet(XShm.IpcPrivate, size, XShm.IpcCreat | XShm.ModeOwnerReadWrite);
        if (id < 0)
        {
            return false;
        }

        var address = XShm.ShmAt(id, null, 0);
        if (address == (byte*)-1)
        {
            XShm.ShmCtl(id, XShm.IpcRmid, null);
            return false;
        }

        var segment = (XShm.XShmSegmentInfo*)NativeMemory.AllocZeroed((nuint)sizeof(XShm.XShmSegmentInfo));
        segment->ShmId = id;
        segment->ShmAddr = address;
        segment->ReadOnly = Xlib.False;
        XErrorTrap.Clear(display);
        var attached = XShm.XShmAttach(display, segment) != 0 && XErrorTrap.SyncAndTake(display) == 0;

        // Marked for removal now that both sides are attached, so the kernel frees it even if we crash.
        XShm.ShmCtl(id, XShm.IpcRmid, null);
        if (!attached)
        {
            XShm.ShmDt(address);
            NativeMemory.Free(segment);
            return false;
        }

        _segment = segment;
        _segmentSize = size;
        return true;
    }

    private ScreenImage GrabPlain(nint display, PixelRect area)
    {
        DestroyPlainImage();
        XErrorTrap.Clear(display);
        _plainImage = Xlib.XGetImage(display, _connection.Root, area.X, area.Y, (uint)area.Width, (uint)area.Height, Xlib.AllPlanes, Xlib.ZPixmap);
        if (_plainImage is null)
        {
            throw GrabFailed(display, area);
        }

        return Normalize(_plainImage);
    }

    /// <summary>
    /// Passes 32-bit little-endian 0xRRGGBB images through untouched (every mainstream TrueColor setup) and converts
    /// anything else (16-bit, BGR-ordered or big-endian visuals) into BGRX by the visual's channel masks.
    /// </summary>
    private ScreenImage Normalize(Xlib.XImage* image)
    {
        var width = image->Width;
        var height = image->Height;
        if (image->BitsPerPixel == 32 && image->ByteOrder == Xlib.LSBFirst
            && image->RedMask == 0xff0000 && image->GreenMask == 0xff00 && image->BlueMask == 0xff)
        {
            return new ScreenImage((nint)image->Data, width, height, image->BytesPerLine);
        }

        var bytesPerPixel = image->BitsPerPixel / 8;
        if (image->BitsPerPixel % 8 != 0 || bytesPerPixel is < 1 or > 4)
        {
            throw new OpenDeskException($"cannot capture the screen: unsupported X image layout ({image->BitsPerPixel} bits per pixel, depth {image->Depth})");
        }

        var needed = (nuint)width * (nuint)height * 4;
        if (_convertedSize < needed)
        {
            NativeMemory.Free(_converted);
            _converted = (byte*)NativeMemory.Alloc(needed);
            _convertedSize = needed;
        }

        var red = new ChannelMask(image->RedMask);
        var green = new ChannelMask(image->GreenMask);
        var blue = new ChannelMask(image->BlueMask);
        var bigEndian = image->ByteOrder != Xlib.LSBFirst;
        for (var y = 0; y < height; y++)
        {
            var source = image->Data + (nint)y * image->BytesPerLine;
            var target = (uint*)(_converted + (nint)y * width * 4);
            for (var x = 0; x < width; x++)
            {
                var pixel = ReadPixel(source + (x * bytesPerPixel), bytesPerPixel, bigEndian);
                target[x] = (red.Extract(pixel) << 16) | (green.Extract(pixel) << 8) | blue.Extract(pixel) | 0xff000000u;
            }
        }

        return new ScreenImage((nint)_converted, width, height, width * 4);
    }

    private static nuint ReadPixel(byte* at, int bytes, bool bigEndian)
    {
        nuint value = 0;
        for (var i = 0; i < bytes; i++)
        {
            var shift = bigEndian ? (bytes - 1 - i) * 8 : i * 8;
            value |= (nuint)at[i] << shift;
        }

        return value;
    }

    private static OpenDeskException GrabFailed(nint display, PixelRect area)
    {
        var code = XErrorTrap.SyncAndTake(display);
        var reason = code == 0 ? "the X server returned no image" : XErrorTrap.Describe(display, code);
        return new OpenDeskException($"cannot capture the screen area {area.Width}x{area.Height}+{area.X}+{area.Y}: {reason}");
    }

    private void DestroyShmImage()
    {
        if (_shmImage is not null)
        {
            _shmImage->Data = null;
            Xlib.XDestroyImage(_shmImage);
            _shmImage = null;
        }
    }

    /// <summary>Detaches and unmaps the segment; <paramref name="display"/> is 0 when the connection is already gone.</summary>
    private void FreeShm(nint display)
    {
        DestroyShmImage();
        if (_segment is not null)
        {
            if (display != 0)
            {
                XShm.XShmDetach(display, _segment);
                Xlib.XSync(display, Xlib.False);
            }

            XShm.ShmDt(_segment->ShmAddr);
            NativeMemory.Free(_segment);
            _segment = null;
            _segmentSize = 0;
        }
    }

    private void DestroyPlainImage()
    {
        if (_plainImage is not null)
        {
            Xlib.XDestroyImage(_plainImage);
            _plainImage = null;
        }
    }

    public void Dispose()
    {
        try
        {
            _connection.Run(FreeShm);
        }
        catch (ObjectDisposedException)
        {
            // The server dropped its attachment with the connection; only our mapping is left to undo.
            FreeShm(0);
        }

        DestroyPlainImage();
        NativeMemory.Free(_converted);
        _converted = null;
        _convertedSize = 0;
    }

    /// <summary>Moves one channel of a pixel into 8 bits, whatever its width and position in the visual.</summary>
    private readonly struct ChannelMask
    {
        private readonly nuint _mask;
        private readonly int _shift;
        private readonly uint _max;

        public ChannelMask(nuint mask)
        {
            _mask = mask;
            _shift = mask == 0 ? 0 : System.Numerics.BitOperations.TrailingZeroCount(mask);
            _max = (uint)(mask >> _shift);
        }

        public uint Extract(nuint pixel) => _max == 0 ? 0 : (uint)(((pixel & _mask) >> _shift) * 255 / _max);
    }
}
