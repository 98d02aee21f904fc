namespace OpenDesk.Linux.X11;

/// <summary>
/// One Xlib connection, used from one thread at a time. Each X11 service owns its own connection (capture,
/// input, windows, the clipboard owner's event loop) so a slow request in one never waits behind another,
/// and Xlib's per-connection state needs no cross-service locking beyond <see cref="Run{T}"/>.
/// </summary>
internal sealed class XDisplayConnection : IDisposable
{
    private readonly Lock _gate = new();
    private nint _display;

    private XDisplayConnection(nint display, string name)
    {
        _display = display;
        Name = name;
        Root = Xlib.XDefaultRootWindow(display);
        Screen = Xlib.XDefaultScreen(display);
    }

    public string Name { get; }

    public nint Root { get; }

    public int Screen { get; }

    /// <summary>Opens <paramref name="displayName"/> (or <c>$DISPLAY</c>); throws a clear error when there is no X server.</summary>
    public static XDisplayConnection Open(string? displayName = null)
    {
        XErrorTrap.Install();
        var name = displayName ?? Environment.GetEnvironmentVariable("DISPLAY") ?? "";
        var display = Xlib.XOpenDisplay(name.Length == 0 ? null : name);
        if (display == 0)
        {
            throw new OpenDeskException(name.Length == 0
                ? "no X display: DISPLAY is not set (start serve inside a desktop session, or use --virtual-display)"
                : $"cannot open X display {name}: is the X server running and are you allowed to use it (xhost/XAUTHORITY)?");
        }

        XErrorTrap.SurviveConnectionLoss(display);
        return new XDisplayConnection(display, name);
    }

    /// <summary>Runs <paramref name="action"/> with exclusive use of the connection.</summary>
    public T Run<T>(Func<nint, T> action)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_display == 0, this);
            ThrowIfLost();
            return action(_display);
        }
    }

    public void Run(Action<nint> action)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_display == 0, this);
            ThrowIfLost();
            action(_display);
        }
    }

    /// <summary>Fails a request on a lost X server with the reason, instead of waiting on its dead connection.</summary>
    public void ThrowIfLost()
    {
        if (XErrorTrap.IsConnectionLost)
        {
            throw new ObjectDisposedException(null, $"lost the connection to the X server {Name}");
        }
    }

    /// <summary>An interned atom (cached by Xlib itself).</summary>
    public nint Atom(string name) => Run(d => Xlib.XInternAtom(d, name, Xlib.False));

    public void Dispose()
    {
        lock (_gate)
        {
            // Closing a lost connection would wait for the lock Xlib left to the thread that found it gone.
            if (_display != 0 && !XErrorTrap.IsConnectionLost)
            {
                Xlib.XCloseDisplay(_display);
                _display = 0;
            }
        }
    }
}
