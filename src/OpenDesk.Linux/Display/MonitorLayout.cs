using System.Runtime.InteropServices;
using OpenDesk.Computer;
using OpenDesk.Linux.X11;

namespace OpenDesk.Linux.Display;

/// <summary>
/// Lists monitors through RandR 1.5, which reports what the desktop shows (including monitors a user defined
/// with <c>xrandr --setmonitor</c>) rather than raw outputs; without it the whole root window is one display.
/// </summary>
internal static unsafe class MonitorLayout
{
    /// <summary>The id of the single display reported when RandR cannot list monitors.</summary>
    public const string FallbackId = "default";

    public static bool HasMonitorList(nint display) =>
        XRandr.XRRQueryExtension(display, out _, out _) != 0
        && XRandr.XRRQueryVersion(display, out var major, out var minor) != 0
        && (major > 1 || (major == 1 && minor >= 5));

    public static IReadOnlyList<Computer.Display> Query(nint display, nint root, int screen, bool useRandr)
    {
        if (useRandr)
        {
            var monitors = QueryMonitors(display, root);
            if (monitors.Count > 0)
            {
                return monitors;
            }
        }

        var bounds = new Rect(0, 0, Xlib.XDisplayWidth(display, screen), Xlib.XDisplayHeight(display, screen));
        return [new Computer.Display(FallbackId, bounds) { Primary = true, Name = FallbackId }];
    }

    private static List<Computer.Display> QueryMonitors(nint display, nint root)
    {
        var monitors = XRandr.XRRGetMonitors(display, root, Xlib.True, out var count);
        if (monitors is null)
        {
            return [];
        }

        try
        {
            var result = new List<Computer.Display>(count);
            var hasPrimary = false;
            for (var i = 0; i < count; i++)
            {
                var monitor = monitors[i];
                var name = AtomName(display, monitor.Name) ?? $"monitor-{i}";

                // Ids must be unique for display_id lookups; two monitors never share a name in practice, but a
                // misconfigured --setmonitor could make them, and the index keeps both addressable.
                var id = result.Exists(d => d.Id == name) ? $"{name}-{i}" : name;
                var primary = monitor.Primary != 0 && !hasPrimary;
                hasPrimary |= primary;
                result.Add(new Computer.Display(id, new Rect(monitor.X, monitor.Y, monitor.Width, monitor.Height))
                {
                    Primary = primary,
                    Name = name,
                });
            }

            // Without a primary output X still has a "first" monitor; clients expect exactly one primary.
            if (!hasPrimary && result.Count > 0)
            {
                result[0] = result[0] with { Primary = true };
            }

            return result;
        }
        finally
        {
            XRandr.XRRFreeMonitors(monitors);
        }
    }

    private static string? AtomName(nint display, nint atom)
    {
        if (atom == Xlib.None)
        {
            return null;
        }

        var name = Xlib.XGetAtomName(display, atom);
        if (name == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(name);
        }
        finally
        {
            Xlib.XFree((void*)name);
        }
    }
}
