using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Windows;

/// <summary>The ICCCM and EWMH atoms the window service uses, interned once per connection.</summary>
internal sealed class EwmhAtoms
{
    /// <summary>Predefined atoms (X.h's Xatom.h) need no round trip.</summary>
    public const nint Atom = 4;
    public const nint Cardinal = 6;
    public const nint Window = 33;
    public const nint WmName = 39;
    public const nint WmClass = 67;

    public EwmhAtoms(XDisplayConnection connection)
    {
        Utf8String = connection.Atom("UTF8_STRING");
        WmState = connection.Atom("WM_STATE");
        WmProtocols = connection.Atom("WM_PROTOCOLS");
        WmDeleteWindow = connection.Atom("WM_DELETE_WINDOW");
        NetSupported = connection.Atom("_NET_SUPPORTED");
        NetSupportingWmCheck = connection.Atom("_NET_SUPPORTING_WM_CHECK");
        NetClientList = connection.Atom("_NET_CLIENT_LIST");
        NetActiveWindow = connection.Atom("_NET_ACTIVE_WINDOW");
        NetCurrentDesktop = connection.Atom("_NET_CURRENT_DESKTOP");
        NetWmName = connection.Atom("_NET_WM_NAME");
        NetWmPid = connection.Atom("_NET_WM_PID");
        NetWmDesktop = connection.Atom("_NET_WM_DESKTOP");
        NetFrameExtents = connection.Atom("_NET_FRAME_EXTENTS");
        NetWmState = connection.Atom("_NET_WM_STATE");
        NetWmStateHidden = connection.Atom("_NET_WM_STATE_HIDDEN");
        NetWmStateMaximizedVert = connection.Atom("_NET_WM_STATE_MAXIMIZED_VERT");
        NetWmStateMaximizedHorz = connection.Atom("_NET_WM_STATE_MAXIMIZED_HORZ");
        NetWmStateFullscreen = connection.Atom("_NET_WM_STATE_FULLSCREEN");
        NetMoveResizeWindow = connection.Atom("_NET_MOVERESIZE_WINDOW");
        NetCloseWindow = connection.Atom("_NET_CLOSE_WINDOW");
    }

    public nint Utf8String { get; }
    public nint WmState { get; }
    public nint WmProtocols { get; }
    public nint WmDeleteWindow { get; }
    public nint NetSupported { get; }
    public nint NetSupportingWmCheck { get; }
    public nint NetClientList { get; }
    public nint NetActiveWindow { get; }
    public nint NetCurrentDesktop { get; }
    public nint NetWmName { get; }
    public nint NetWmPid { get; }
    public nint NetWmDesktop { get; }
    public nint NetFrameExtents { get; }
    public nint NetWmState { get; }
    public nint NetWmStateHidden { get; }
    public nint NetWmStateMaximizedVert { get; }
    public nint NetWmStateMaximizedHorz { get; }
    public nint NetWmStateFullscreen { get; }
    public nint NetMoveResizeWindow { get; }
    public nint NetCloseWindow { get; }
}
