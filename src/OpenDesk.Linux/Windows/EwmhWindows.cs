using System.Diagnostics;
using System.Globalization;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.X11;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.Windows;

/// <summary>
/// Top-level windows through the window manager's EWMH interface (<c>windows.*</c>), with ICCCM and plain
/// Xlib fallbacks when no EWMH window manager runs. Ids are X client-window ids in hex (<see cref="X11WindowId"/>);
/// bounds are root-window pixels including the window manager's frame, and <see cref="MoveAsync"/> takes the
/// same frame-inclusive rectangle that <see cref="List"/> reports.
/// </summary>
internal sealed class EwmhWindows : IWindowsModule, IDisposable
{
    /// <summary>How long focus and move wait for the window manager to act before falling back or returning.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    private const int BadWindow = 3;
    private const nint PointerRoot = 1;
    private const int IconicState = 3;
    private const uint AllDesktops = 0xFFFFFFFF;

    /// <summary>EWMH source indication "pager": the request comes from a user-driven tool, so focus-stealing prevention does not apply.</summary>
    private const int SourcePager = 2;

    private readonly XDisplayConnection _x;
    private readonly EwmhAtoms _atoms;
    private readonly nint _root;

    private EwmhWindows(XDisplayConnection x)
    {
        _x = x;
        _root = x.Root;
        _atoms = new EwmhAtoms(x);
    }

    public static EwmhWindows Open(string? displayName = null)
    {
        var x = XDisplayConnection.Open(displayName);
        try
        {
            return new EwmhWindows(x);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    public IReadOnlyCollection<string> Capabilities { get; } = [OpenDesk.Protocol.Capabilities.WindowsList, OpenDesk.Protocol.Capabilities.WindowsManipulate];

    Task<IReadOnlyList<Window>> IWindowsModule.ListWindowsAsync(CancellationToken cancellationToken) => Task.FromResult(List());

    Task<Window?> IWindowsModule.FocusedWindowAsync(CancellationToken cancellationToken) => Task.FromResult(Focused());

    Task IWindowsModule.FocusWindowAsync(string windowId, CancellationToken cancellationToken) => FocusAsync(windowId, cancellationToken);

    Task IWindowsModule.MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken) => MoveAsync(windowId, bounds, cancellationToken);

    Task IWindowsModule.CloseWindowAsync(string windowId, CancellationToken cancellationToken)
    {
        Close(windowId);
        return Task.CompletedTask;
    }

    /// <summary><c>windows.list</c>: every top-level window, in the window manager's mapping order.</summary>
    public IReadOnlyList<Window> List() => _x.Run(display =>
    {
        XErrorTrap.Clear(display);
        var active = ActiveWindow(display);
        var windows = new List<Window>();
        foreach (var client in Clients(display))
        {
            // A window that closes while it is being described simply drops out of the list.
            if (Describe(display, client, active) is { } window)
            {
                windows.Add(window);
            }
        }

        XErrorTrap.Clear(display);
        return windows;
    });

    /// <summary><c>windows.focused</c>: the active window, or null when none is.</summary>
    public Window? Focused() => _x.Run(display =>
    {
        XErrorTrap.Clear(display);
        var active = ActiveWindow(display);
        var window = active == Xlib.None ? null : Describe(display, active, active);
        XErrorTrap.Clear(display);
        return window;
    });

    /// <summary>The windows owned by process <paramref name="pid"/> (by _NET_WM_PID), for <c>apps.focus</c> and <c>apps.close</c>.</summary>
    public IReadOnlyList<Window> ForPid(int pid) => [.. List().Where(w => w.Pid == pid)];

    /// <summary>
    /// The windows of the application called <paramref name="name"/>, case-insensitively: its WM_CLASS class
    /// (what <see cref="Window.AppName"/> reports, e.g. <c>XTerm</c>), its WM_CLASS instance (<c>xterm</c>)
    /// or its process name.
    /// </summary>
    public IReadOnlyList<Window> ForApp(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var windows = List();
        return _x.Run(display =>
        {
            var matches = windows.Where(w => AppNames(display, X11WindowId.Parse(w.Id), w.Pid)
                .Any(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))).ToList();
            XErrorTrap.Clear(display);
            return matches;
        });
    }

    /// <summary>
    /// <c>windows.focus</c>: switches to the window's desktop, activates (and so de-minimises and raises) it,
    /// and waits until the window manager reports it active, so input sent next goes to it.
    /// </summary>
    public async Task FocusAsync(string windowId, CancellationToken cancellationToken = default)
    {
        var (window, viaWindowManager) = _x.Run(display =>
        {
            XErrorTrap.Clear(display);
            var window = RequireClient(display, windowId);
            var viaWindowManager = WindowManagerSupports(display, _atoms.NetActiveWindow);
            if (viaWindowManager)
            {
                SwitchToDesktopOf(display, window);
                var current = WindowProperties.Long(display, _root, _atoms.NetActiveWindow, EwmhAtoms.Window) ?? Xlib.None;
                SendToRoot(display, window, _atoms.NetActiveWindow, SourcePager, Xlib.CurrentTime, current);
            }
            else
            {
                FocusDirectly(display, window);
            }

            ThrowIfVanished(display, window);
            return (window, viaWindowManager);
        });

        if (!viaWindowManager || await WaitUntilAsync(() => _x.Run(ActiveWindow) == window, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // The window manager did not act on the request (some refuse activation requests outright): take
        // focus directly, as a click on the window would.
        _x.Run(display =>
        {
            XErrorTrap.Clear(display);
            FocusDirectly(display, window);
            ThrowIfVanished(display, window);
        });
    }

    /// <summary>
    /// <c>windows.move</c>: moves and resizes the window so its frame covers <paramref name="bounds"/>; a
    /// maximised or full-screen window is restored first, since window managers ignore moves of those.
    /// The window manager may still round the size (terminals resize in character cells).
    /// </summary>
    public async Task MoveAsync(string windowId, Rect bounds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        if (!double.IsFinite(bounds.X) || !double.IsFinite(bounds.Y) || !double.IsFinite(bounds.Width) || !double.IsFinite(bounds.Height)
            || bounds.Width < 1 || bounds.Height < 1 || Math.Abs(bounds.X) > short.MaxValue || Math.Abs(bounds.Y) > short.MaxValue
            || bounds.Width > short.MaxValue || bounds.Height > short.MaxValue)
        {
            throw new ArgumentException(
                $"window bounds ({bounds.X}, {bounds.Y}, {bounds.Width}x{bounds.Height}) are not a usable rectangle: width and height must be at least 1 and every value within ±32767");
        }

        var (window, restoring) = _x.Run(display =>
        {
            XErrorTrap.Clear(display);
            var window = RequireClient(display, windowId);
            var restoring = RestoreFromMaximized(display, window);
            ThrowIfVanished(display, window);
            return (window, restoring);
        });

        if (restoring)
        {
            // Frame extents (and so the client size to ask for) can change when a window leaves the maximised state.
            await WaitUntilAsync(() => _x.Run(display => !IsMaximized(display, window)), cancellationToken).ConfigureAwait(false);
        }

        var x = (int)Math.Round(bounds.X);
        var y = (int)Math.Round(bounds.Y);
        _x.Run(display =>
        {
            XErrorTrap.Clear(display);
            if (Xlib.XGetGeometry(display, window, out _, out _, out _, out _, out _, out var border, out _) == 0)
            {
                throw NotFound(window);
            }

            var extents = FrameExtents(display, window);
            var edge = (int)border;
            var width = (uint)Math.Max(1, (int)Math.Round(bounds.Width) - extents.Left - extents.Right - (2 * edge));
            var height = (uint)Math.Max(1, (int)Math.Round(bounds.Height) - extents.Top - extents.Bottom - (2 * edge));
            if (WindowManagerSupports(display, _atoms.NetMoveResizeWindow))
            {
                // North-west gravity: x and y place the outer corner of the frame, which is what bounds
                // describe, while width and height are the client's. (Static gravity would place the client, but
                // window managers disagree on whether that includes the border the client had before framing.)
                const int flags = Xlib.NorthWestGravity | (0xF << 8) | (SourcePager << 12);
                SendToRoot(display, window, _atoms.NetMoveResizeWindow, flags, x, y, (nint)width, (nint)height);
            }
            else
            {
                Xlib.XMoveResizeWindow(display, window, x, y, width, height);
            }

            ThrowIfVanished(display, window);
        });

        var vanished = false;
        await WaitUntilAsync(() => _x.Run(display =>
        {
            var now = Describe(display, window, Xlib.None)?.Bounds;
            XErrorTrap.Clear(display);
            vanished = now is null;
            return vanished || (Math.Abs(now!.X - x) <= 1 && Math.Abs(now.Y - y) <= 1);
        }), cancellationToken).ConfigureAwait(false);
        if (vanished)
        {
            throw NotFound(window);
        }
    }

    /// <summary>
    /// <c>windows.close</c>: asks the window to close, as its close button would. The application may ask to
    /// save first, so the window can outlive this call.
    /// </summary>
    public void Close(string windowId) => _x.Run(display =>
    {
        XErrorTrap.Clear(display);
        var window = RequireClient(display, windowId);
        if (WindowManagerSupports(display, _atoms.NetCloseWindow))
        {
            SendToRoot(display, window, _atoms.NetCloseWindow, Xlib.CurrentTime, SourcePager);
        }
        else if (WindowProperties.Longs(display, window, _atoms.WmProtocols, EwmhAtoms.Atom) is { } protocols
                 && protocols.Contains(_atoms.WmDeleteWindow))
        {
            Send(display, window, window, _atoms.WmProtocols, Xlib.None, _atoms.WmDeleteWindow, Xlib.CurrentTime);
        }
        else
        {
            // No window manager to ask and a client that does not take WM_DELETE_WINDOW: destroying the window
            // is the only close there is (what xdotool windowclose does).
            Xlib.XDestroyWindow(display, window);
        }

        ThrowIfVanished(display, window);
    });

    public void Dispose() => _x.Dispose();

    private Window? Describe(nint display, nint window, nint active)
    {
        if (Xlib.XGetGeometry(display, window, out _, out _, out _, out var width, out var height, out var border, out _) == 0
            || Xlib.XTranslateCoordinates(display, window, _root, 0, 0, out var x, out var y, out _) == 0)
        {
            return null;
        }

        var extents = FrameExtents(display, window);
        var edge = (int)border;
        var bounds = new Rect(
            x - edge - extents.Left,
            y - edge - extents.Top,
            width + (2 * edge) + extents.Left + extents.Right,
            height + (2 * edge) + extents.Top + extents.Bottom);

        var title = WindowProperties.Text(display, window, _atoms.NetWmName, _atoms.Utf8String)
                    ?? WindowProperties.Text(display, window, EwmhAtoms.WmName, _atoms.Utf8String)
                    ?? "";
        var pid = WindowProperties.Long(display, window, _atoms.NetWmPid, EwmhAtoms.Cardinal) is { } p and > 0 ? (int?)(int)p : null;
        var desktop = WindowProperties.Long(display, window, _atoms.NetWmDesktop, EwmhAtoms.Cardinal);
        return new Window(X11WindowId.Format(window), title, AppNames(display, window, pid).FirstOrDefault() ?? "")
        {
            Pid = pid,
            Bounds = bounds,
            Focused = window == active,
            Minimized = IsMinimized(display, window),
            Workspace = desktop is null ? null
                : (uint)desktop.Value == AllDesktops ? "all"
                : ((uint)desktop.Value).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>The names an application goes by, best first: WM_CLASS class, WM_CLASS instance, process name.</summary>
    private IEnumerable<string> AppNames(nint display, nint window, int? pid)
    {
        if (WindowProperties.Bytes(display, window, EwmhAtoms.WmClass, out _) is { } wmClass)
        {
            // WM_CLASS is "instance\0class\0".
            var parts = System.Text.Encoding.Latin1.GetString(wmClass).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 1)
            {
                yield return parts[1];
            }

            if (parts.Length > 0)
            {
                yield return parts[0];
            }
        }

        if (pid is { } id && ProcessName(id) is { } comm)
        {
            yield return comm;
        }
    }

    private static string? ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private bool IsMinimized(nint display, nint window)
    {
        if (WindowProperties.Longs(display, window, _atoms.NetWmState, EwmhAtoms.Atom) is { } states)
        {
            return states.Contains(_atoms.NetWmStateHidden);
        }

        return WindowProperties.Long(display, window, _atoms.WmState, _atoms.WmState) == IconicState;
    }

    private bool IsMaximized(nint display, nint window) =>
        WindowProperties.Longs(display, window, _atoms.NetWmState, EwmhAtoms.Atom) is { } states
        && (states.Contains(_atoms.NetWmStateMaximizedVert) || states.Contains(_atoms.NetWmStateMaximizedHorz)
            || states.Contains(_atoms.NetWmStateFullscreen));

    /// <summary>Asks the window manager to drop maximised and full-screen states; returns whether it had any.</summary>
    private bool RestoreFromMaximized(nint display, nint window)
    {
        if (!IsMaximized(display, window))
        {
            return false;
        }

        const int remove = 0;
        var netWmState = _atoms.NetWmState;
        SendToRoot(display, window, netWmState, remove, _atoms.NetWmStateMaximizedVert, _atoms.NetWmStateMaximizedHorz, SourcePager);
        SendToRoot(display, window, netWmState, remove, _atoms.NetWmStateFullscreen, Xlib.None, SourcePager);
        return true;
    }

    private (int Left, int Right, int Top, int Bottom) FrameExtents(nint display, nint window) =>
        WindowProperties.Longs(display, window, _atoms.NetFrameExtents, EwmhAtoms.Cardinal) is [var left, var right, var top, var bottom, ..]
            ? ((int)left, (int)right, (int)top, (int)bottom)
            : (0, 0, 0, 0);

    private void SwitchToDesktopOf(nint display, nint window)
    {
        var desktop = WindowProperties.Long(display, window, _atoms.NetWmDesktop, EwmhAtoms.Cardinal);
        var current = WindowProperties.Long(display, _root, _atoms.NetCurrentDesktop, EwmhAtoms.Cardinal);
        if (desktop is { } target && (uint)target != AllDesktops && current is { } now && now != target
            && WindowManagerSupports(display, _atoms.NetCurrentDesktop))
        {
            SendToRoot(display, _root, _atoms.NetCurrentDesktop, target, Xlib.CurrentTime);
        }
    }

    private static void FocusDirectly(nint display, nint window)
    {
        Xlib.XMapRaised(display, window);
        Xlib.XRaiseWindow(display, window);
        Xlib.XSetInputFocus(display, window, Xlib.RevertToParent, Xlib.CurrentTime);
    }

    /// <summary>The top-level client windows: the EWMH client list, or what the window tree shows without one.</summary>
    private nint[] Clients(nint display) =>
        WindowProperties.Longs(display, _root, _atoms.NetClientList, EwmhAtoms.Window) ?? TreeClients(display);

    /// <summary>
    /// Without an EWMH window manager: each mapped child of the root, or under an ICCCM reparenting window
    /// manager the client window (the one with WM_STATE) inside each frame.
    /// </summary>
    private unsafe nint[] TreeClients(nint display)
    {
        var clients = new List<nint>();
        foreach (var child in Children(display, _root))
        {
            Xlib.XWindowAttributes attributes;
            if (Xlib.XGetWindowAttributes(display, child, &attributes) == 0
                || attributes.OverrideRedirect != Xlib.False || attributes.Class == Xlib.InputOnly)
            {
                continue;
            }

            var client = FindClient(display, child, depth: 3);
            if (client != Xlib.None)
            {
                clients.Add(client);
            }
            else if (attributes.MapState == Xlib.IsViewable)
            {
                clients.Add(child);
            }
        }

        return [.. clients];
    }

    private nint FindClient(nint display, nint window, int depth)
    {
        if (WindowProperties.Long(display, window, _atoms.WmState, _atoms.WmState) is not null)
        {
            return window;
        }

        if (depth == 0)
        {
            return Xlib.None;
        }

        foreach (var child in Children(display, window))
        {
            var client = FindClient(display, child, depth - 1);
            if (client != Xlib.None)
            {
                return client;
            }
        }

        return Xlib.None;
    }

    private static unsafe nint[] Children(nint display, nint window)
    {
        if (Xlib.XQueryTree(display, window, out _, out _, out var children, out var count) == 0 || children == null)
        {
            return [];
        }

        try
        {
            return new ReadOnlySpan<nint>(children, (int)count).ToArray();
        }
        finally
        {
            Xlib.XFree(children);
        }
    }

    /// <summary>The active top-level window: _NET_ACTIVE_WINDOW, or the client that holds the input focus.</summary>
    private unsafe nint ActiveWindow(nint display)
    {
        if (WindowProperties.Long(display, _root, _atoms.NetActiveWindow, EwmhAtoms.Window) is { } active)
        {
            return active;
        }

        // Focus may also be None or PointerRoot (1): then no window has it.
        Xlib.XGetInputFocus(display, out var focus, out _);
        if (focus == PointerRoot)
        {
            return Xlib.None;
        }

        var clients = Clients(display);
        for (var window = focus; window != Xlib.None && window != _root;)
        {
            if (clients.Contains(window))
            {
                return window;
            }

            if (Xlib.XQueryTree(display, window, out _, out var parent, out var children, out _) == 0)
            {
                break;
            }

            if (children != null)
            {
                Xlib.XFree(children);
            }

            window = parent;
        }

        return Xlib.None;
    }

    /// <summary>
    /// Whether a live EWMH window manager advertises <paramref name="atom"/>. _NET_SUPPORTED alone is not
    /// enough: a window manager that exited leaves it behind, and requests to it would go unanswered.
    /// </summary>
    private bool WindowManagerSupports(nint display, nint atom)
    {
        if (WindowProperties.Long(display, _root, _atoms.NetSupportingWmCheck, EwmhAtoms.Window) is not { } check
            || WindowProperties.Long(display, check, _atoms.NetSupportingWmCheck, EwmhAtoms.Window) != check)
        {
            return false;
        }

        return WindowProperties.Longs(display, _root, _atoms.NetSupported, EwmhAtoms.Atom) is { } supported && supported.Contains(atom);
    }

    private nint RequireClient(nint display, string windowId)
    {
        var window = X11WindowId.Parse(windowId);
        if (!Clients(display).Contains(window))
        {
            throw NotFound(window);
        }

        return window;
    }

    /// <summary>Syncs and turns a BadWindow raised since the last <see cref="XErrorTrap.Clear"/> into not_found.</summary>
    private static void ThrowIfVanished(nint display, nint window)
    {
        if (XErrorTrap.SyncAndTake(display) == BadWindow)
        {
            throw NotFound(window);
        }
    }

    private static NotFoundException NotFound(nint window) => new(
        $"no window {X11WindowId.Format(window)}: it was closed or is not a top-level window (windows.list shows the current ones)");

    private void SendToRoot(nint display, nint window, nint messageType, nint data0, nint data1 = 0, nint data2 = 0, nint data3 = 0, nint data4 = 0) =>
        Send(display, _root, window, messageType, Xlib.SubstructureRedirectMask | Xlib.SubstructureNotifyMask, data0, data1, data2, data3, data4);

    private static unsafe void Send(nint display, nint destination, nint window, nint messageType, nint eventMask,
        nint data0, nint data1 = 0, nint data2 = 0, nint data3 = 0, nint data4 = 0)
    {
        Xlib.XEvent ev = default;
        var message = (Xlib.XClientMessageEvent*)&ev;
        message->Type = Xlib.ClientMessage;
        message->Window = window;
        message->MessageType = messageType;
        message->Format = 32;
        message->Data0 = data0;
        message->Data1 = data1;
        message->Data2 = data2;
        message->Data3 = data3;
        message->Data4 = data4;
        Xlib.XSendEvent(display, destination, Xlib.False, eventMask, &ev);
    }

    private static async Task<bool> WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) >= SettleTimeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
