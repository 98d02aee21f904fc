using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Follows changes to the root window with DAMAGE so a frame stream grabs only when something changed. It asks
/// for one event per "became non-empty" transition and, on each check, empties the damage into a region whose
/// rectangles tell whether the watched area was touched: a change elsewhere on screen must not cost a frame,
/// and must not hide a later change inside the area either.
/// </summary>
internal sealed unsafe class DamageTracker : IDisposable
{
    private readonly XDisplayConnection _connection;
    private readonly int _notifyEvent;
    private nint _damage;
    private nint _parts;
    private bool _pending;

    private DamageTracker(XDisplayConnection connection, int eventBase, nint damage, nint parts)
    {
        _connection = connection;
        _notifyEvent = eventBase + XDamage.Notify;
        _damage = damage;
        _parts = parts;
    }

    /// <summary>Starts tracking, or returns null when the server lacks DAMAGE or XFixes regions.</summary>
    public static DamageTracker? TryCreate(XDisplayConnection connection) => connection.Run(display =>
    {
        if (XDamage.XDamageQueryExtension(display, out var eventBase, out _) == 0
            || XDamage.XDamageQueryVersion(display, out _, out _) == 0
            || XFixes.XFixesQueryExtension(display, out _, out _) == 0
            || XFixes.XFixesQueryVersion(display, out var fixesMajor, out _) == 0
            || fixesMajor < 2)
        {
            return null;
        }

        XErrorTrap.Clear(display);
        var damage = XDamage.XDamageCreate(display, connection.Root, XDamage.ReportNonEmpty);
        var parts = XFixes.XFixesCreateRegion(display, null, 0);
        if (XErrorTrap.SyncAndTake(display) != 0)
        {
            return null;
        }

        return new DamageTracker(connection, eventBase, damage, parts);
    });

    /// <summary>
    /// Whether <paramref name="area"/> changed since the previous call that returned true (or since creation).
    /// Call it right before grabbing: anything drawn after it is both in the grab and reported next time, so a
    /// change can cost an extra frame but is never missed.
    /// </summary>
    public bool TakeChanges(PixelRect area) => _connection.Run(display =>
    {
        DrainEvents(display);
        if (!_pending)
        {
            return false;
        }

        _pending = false;
        XDamage.XDamageSubtract(display, _damage, Xlib.None, _parts);
        var rectangles = XFixes.XFixesFetchRegion(display, _parts, out var count);
        if (rectangles is null)
        {
            // Without the rectangles we cannot rule the area out; a spare frame is the safe answer.
            return true;
        }

        try
        {
            for (var i = 0; i < count; i++)
            {
                var r = rectangles[i];
                if (area.Intersects(r.X, r.Y, r.Width, r.Height))
                {
                    return true;
                }
            }

            return false;
        }
        finally
        {
            Xlib.XFree(rectangles);
        }
    });

    /// <summary>Empties the damage without looking at it: the next grab shows everything up to now.</summary>
    public void Reset() => _connection.Run(display =>
    {
        DrainEvents(display);
        _pending = false;
        XDamage.XDamageSubtract(display, _damage, Xlib.None, Xlib.None);
    });

    private void DrainEvents(nint display)
    {
        Xlib.XEvent ev;
        while (Xlib.XPending(display) > 0)
        {
            Xlib.XNextEvent(display, &ev);
            if (ev.Type == _notifyEvent)
            {
                _pending = true;
            }
        }
    }

    public void Dispose()
    {
        try
        {
            _connection.Run(display =>
            {
                if (_damage != 0)
                {
                    XDamage.XDamageDestroy(display, _damage);
                    XFixes.XFixesDestroyRegion(display, _parts);
                    Xlib.XFlush(display);
                }
            });
        }
        catch (ObjectDisposedException)
        {
            // Closing the connection already freed both on the server.
        }

        _damage = 0;
        _parts = 0;
    }
}
