using System.Collections.Concurrent;
using OpenDesk.Computer;
using OpenDesk.Linux.Windows;
using OpenDesk.Protocol;
using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Maps what a controller names (an X window id, an application name, or nothing: the focused window) to the
/// accessible object a tree starts from. An X window belongs to the application whose bus connection comes from
/// the window's <c>_NET_WM_PID</c>; within it, the top-level object is the one whose name is the window title and
/// whose extents lie closest to the window's. One resolver serves one request, so every application's cache is
/// read at most once per request.
/// </summary>
/// <param name="bus">The accessibility bus.</param>
/// <param name="connections">Direct connections to applications, kept by the session.</param>
/// <param name="known">Applications already described in this session, by bus name; the resolver adds to it.</param>
/// <param name="actionNames">Action names read earlier in this session.</param>
/// <param name="windows">The X windows, when the display offers them.</param>
internal sealed class TargetResolver(
    AtSpiConnection bus, ApplicationConnections connections, ConcurrentDictionary<string, AccessibleApplication> known, ActionNameCache actionNames, EwmhWindows? windows)
{
    private static readonly TimeSpan NameTimeout = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, Task<AccessibleTreeReader>> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessibleApplication> _unnamed = new(StringComparer.Ordinal);
    private List<AccessibleApplication>? _applications;

    /// <summary>Every application on the bus with its name and process id, in registration order.</summary>
    public async Task<List<AccessibleApplication>> ApplicationsAsync()
    {
        if (_applications is not null)
        {
            return _applications;
        }

        var roots = await bus.GetApplicationsAsync().ConfigureAwait(false);

        // A connection's program name and process never change, so each application is described once per
        // session. The bus daemon answers for the process ids, each application for its name: one that hangs
        // must not hang requests about the others, so it stays unnamed for now (and can still be named by its
        // process name) and is asked again next time.
        var current = roots.Select(r => r.BusName).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in known.Keys.Where(k => !current.Contains(k)).ToList())
        {
            known.TryRemove(gone, out _);
            actionNames.ForgetApplication(gone);
        }

        var unknown = roots.Where(r => !known.ContainsKey(r.BusName)).ToList();
        var properties = unknown.Select(r => Try(bus.GetAccessiblePropertiesAsync(r).WaitAsync(NameTimeout))).ToList();
        var pids = unknown.Select(r => Try(bus.GetConnectionProcessIdAsync(r.BusName))).ToList();
        for (var i = 0; i < unknown.Count; i++)
        {
            var (named, accessible) = await properties[i].ConfigureAwait(false);
            var (found, pid) = await pids[i].ConfigureAwait(false);
            var application = new AccessibleApplication(unknown[i], named ? accessible.Name ?? "" : "", found && pid is > 0 and <= int.MaxValue ? (int)pid : null);
            if (named)
            {
                known[unknown[i].BusName] = application;
            }
            else
            {
                _unnamed[unknown[i].BusName] = application;
            }
        }

        var applications = roots.Select(r => known.TryGetValue(r.BusName, out var a) ? a : _unnamed[r.BusName]).ToList();
        return _applications = applications;
    }

    /// <summary>A reader for the application, with its cache loaded (once per resolver).</summary>
    public Task<AccessibleTreeReader> ReaderAsync(AccessibleApplication application)
    {
        if (!_readers.TryGetValue(application.BusName, out var reader))
        {
            reader = LoadReaderAsync(application.BusName);
            _readers[application.BusName] = reader;
        }

        return reader;
    }

    public async Task<AccessibleApplication> ApplicationNamedAsync(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("app is empty; give the application's name as ui.tree reports it, or omit app");
        }

        var applications = await ApplicationsAsync().ConfigureAwait(false);
        return applications.FirstOrDefault(a => a.IsNamed(name.Trim()))
            ?? throw new NotFoundException(
                $"no application named '{name}' has an accessibility tree; running accessible applications: {Names(applications)}");
    }

    public async Task<TreeTarget> ForApplicationAsync(string name)
    {
        var application = await ApplicationNamedAsync(name).ConfigureAwait(false);
        var reader = await ReaderAsync(application).ConfigureAwait(false);
        var root = await reader.InfoAsync(application.Root).ConfigureAwait(false)
            ?? throw new NotFoundException($"application '{name}' left the accessibility bus");
        return new TreeTarget(application, reader, root, []);
    }

    public async Task<TreeTarget> ForWindowAsync(string windowId)
    {
        var id = X11WindowId.Parse(windowId);
        var list = windows?.List()
            ?? throw new ArgumentException("window_id needs the X window list, which this X server does not offer; use app instead");
        var window = list.FirstOrDefault(w => X11WindowId.Parse(w.Id) == id)
            ?? throw new NotFoundException($"no window {X11WindowId.Format(id)}; windows.list shows the current ones");
        return await ForWindowAsync(window).ConfigureAwait(false)
            ?? throw new NotFoundException(
                $"window {window.Id} ('{window.Title}') has no accessibility tree: its application is not on the accessibility bus (GTK 3 apps are when the bus runs; Qt, Chromium and Electron apps need accessibility switched on)");
    }

    /// <summary>The focused X window's tree; where no window manager says which window has the focus, the active accessible window's.</summary>
    public async Task<TreeTarget> ForFocusAsync()
    {
        if (windows?.Focused() is { } focused)
        {
            return await ForWindowAsync(focused).ConfigureAwait(false)
                ?? throw new NotFoundException(
                    $"the focused window {focused.Id} ('{focused.Title}') has no accessibility tree: its application is not on the accessibility bus; name another with window_id or app");
        }

        return await ActiveTopLevelAsync().ConfigureAwait(false)
            ?? throw new NotFoundException("no focused window with an accessibility tree; name one with window_id or app");
    }

    /// <summary>The application of the focused window, for <c>ui.action</c> without <c>app</c>; null when there is none.</summary>
    public async Task<AccessibleApplication?> FocusedApplicationAsync()
    {
        try
        {
            return (await ForFocusAsync().ConfigureAwait(false)).Application;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private async Task<TreeTarget?> ForWindowAsync(Window window)
    {
        var applications = await ApplicationsAsync().ConfigureAwait(false);
        var owners = window.Pid is { } pid ? applications.Where(a => a.Pid == pid).ToList() : [];
        foreach (var owner in owners)
        {
            if (await TopLevelAsync(owner, await ReaderAsync(owner).ConfigureAwait(false), window, requireTitle: false).ConfigureAwait(false) is { } target)
            {
                return target;
            }
        }

        // A window whose process is not the one on the bus (a launcher script, a sandbox): the title has to match.
        foreach (var other in applications.Except(owners))
        {
            if (await TopLevelAsync(other, new AccessibleTreeReader(bus, null), window, requireTitle: true).ConfigureAwait(false) is { } target)
            {
                return target with { Reader = await ReaderAsync(other).ConfigureAwait(false) };
            }
        }

        return null;
    }

    private async Task<TreeTarget?> TopLevelAsync(AccessibleApplication application, AccessibleTreeReader reader, Window window, bool requireTitle)
    {
        if (await reader.InfoAsync(application.Root).ConfigureAwait(false) is not { } root)
        {
            return null;
        }

        var children = await reader.ChildrenAsync(root).ConfigureAwait(false);
        var infos = children.Select((c, i) => reader.InfoAsync(c, root.Ref, i)).ToList();
        var extents = children.Select(c => Try(bus.GetExtentsAsync(c))).ToList();
        (TreeTarget Target, bool Title, bool Showing, double Distance)? best = null;
        for (var i = 0; i < children.Count; i++)
        {
            if (await infos[i].ConfigureAwait(false) is not { } info)
            {
                continue;
            }

            var title = info.Name == window.Title;
            if (requireTitle && !title)
            {
                continue;
            }

            var box = await extents[i].ConfigureAwait(false);
            var candidate = (new TreeTarget(application, reader, info, [i]), title, info.States.Has(AtSpiState.Showing), Distance(box, window.Bounds));
            if (best is null || IsBetter(candidate, best.Value))
            {
                best = candidate;
            }
        }

        return best?.Target;
    }

    private async Task<TreeTarget?> ActiveTopLevelAsync()
    {
        var applications = await ApplicationsAsync().ConfigureAwait(false);
        var scans = applications.Select(async application =>
        {
            var children = await Try(bus.GetChildrenAsync(application.Root)).ConfigureAwait(false);
            var states = (children.Value ?? []).Select(c => Try(bus.GetStateAsync(c))).ToList();
            for (var i = 0; i < states.Count; i++)
            {
                if ((await states[i].ConfigureAwait(false)).Value.Has(AtSpiState.Active))
                {
                    return ((AccessibleApplication, int)?)(application, i);
                }
            }

            return ((AccessibleApplication, int)?)null;
        }).ToList();

        foreach (var scan in scans)
        {
            if (await scan.ConfigureAwait(false) is not var (application, index))
            {
                continue;
            }

            var reader = await ReaderAsync(application).ConfigureAwait(false);
            if (await reader.InfoAsync(application.Root).ConfigureAwait(false) is not { } root)
            {
                continue;
            }

            var children = await reader.ChildrenAsync(root).ConfigureAwait(false);
            if (index < children.Count && await reader.InfoAsync(children[index], root.Ref, index).ConfigureAwait(false) is { } info)
            {
                return new TreeTarget(application, reader, info, [index]);
            }
        }

        return null;
    }

    private async Task<AccessibleTreeReader> LoadReaderAsync(string busName)
    {
        var (cache, address) = await ApplicationCache.LoadAsync(bus, busName).ConfigureAwait(false);
        return new AccessibleTreeReader(await connections.ForAsync(busName, address).ConfigureAwait(false), cache, actionNames);
    }

    private static bool IsBetter((TreeTarget, bool Title, bool Showing, double Distance) a, (TreeTarget, bool Title, bool Showing, double Distance) b) =>
        a.Title != b.Title ? a.Title : a.Showing != b.Showing ? a.Showing : a.Distance < b.Distance;

    /// <summary>How far apart an object's extents and a window's frame are (window-manager decorations make them differ a little).</summary>
    private static double Distance((bool Found, ScreenExtents Value) extents, Rect? bounds) =>
        extents is { Found: true, Value: { IsPlaced: true } e } && bounds is { } b
            ? Math.Abs(e.X - b.X) + Math.Abs(e.Y - b.Y) + Math.Abs(e.Width - b.Width) + Math.Abs(e.Height - b.Height)
            : double.MaxValue;

    private static string Names(List<AccessibleApplication> applications) =>
        applications.Count == 0 ? "none" : string.Join(", ", applications.Select(a => a.Name.Length > 0 ? a.Name : a.BusName).Distinct());

    private static async Task<(bool Found, T? Value)> Try<T>(Task<T> call)
    {
        try
        {
            return (true, await call.ConfigureAwait(false));
        }
        catch (Exception e) when (e is DBusErrorReplyException or InvalidDataException or DBusReadException or TimeoutException)
        {
            return (false, default);
        }
    }
}
