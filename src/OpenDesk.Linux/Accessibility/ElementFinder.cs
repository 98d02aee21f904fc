using System.Collections;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Finds the live object a <c>ui.action</c> element means, trying in turn:
/// <list type="number">
/// <item>its <c>metadata.id</c>, when that object still exists and has the element's role;</item>
/// <item>its <c>metadata.path</c> from the application root, when the object there has the element's role and name;</item>
/// <item>a search of the application for the element's role and name, the nearest to its bounds when several match
/// (the first, level by level, when it has no bounds); shown objects first, then hidden ones.</item>
/// </list>
/// The application is <c>app</c> when given, else the one the id belongs to, else the focused window's.
/// </summary>
internal sealed class ElementFinder(AtSpiConnection bus, TargetResolver resolver)
{
    /// <summary>Enough for any real window; a search stops there rather than walking an endless table.</summary>
    private const int SearchNodeLimit = 20000;

    private const int MaxPathLength = 256;

    public async Task<AccessibleInfo> FindAsync(UIElement element, string? app, CancellationToken cancellationToken)
    {
        var id = ReadId(element);
        var path = ReadPath(element);
        var role = element.Role.Length == 0 ? null : AtSpiRoles.Normalise(element.Role);
        if (id is null && path is null && role is null && element.Name.Length == 0 && element.Bounds is null)
        {
            throw new ArgumentException(
                "the element names nothing to look for: pass an element from ui.tree (its metadata.id), or a role and name");
        }

        if (id is { } reference && await LiveAsync(reference).ConfigureAwait(false) is { } live && (role is null || AtSpiRoles.Name(live.Role) == role))
        {
            return live;
        }

        var applications = await resolver.ApplicationsAsync().ConfigureAwait(false);
        var scope = app is not null
            ? await resolver.ApplicationNamedAsync(app).ConfigureAwait(false)
            : applications.FirstOrDefault(a => id is { } r && a.BusName == r.BusName)
                ?? await resolver.FocusedApplicationAsync().ConfigureAwait(false)
                ?? throw new NotFoundException($"no focused application to look for {Describe(element)} in; name one with app");

        var reader = await resolver.ReaderAsync(scope).ConfigureAwait(false);
        var root = await reader.InfoAsync(scope.Root).ConfigureAwait(false)
            ?? throw new NotFoundException($"application '{scope.Name}' left the accessibility bus");
        if (path is not null && await AtPathAsync(reader, root, path).ConfigureAwait(false) is { } atPath && Matches(atPath, role, element.Name))
        {
            return atPath;
        }

        if (role is not null || element.Name.Length > 0 || element.Bounds is not null)
        {
            foreach (var includeHidden in new[] { false, true })
            {
                var tree = await reader.ReadAsync(root, [], new TreeOptions(TreeOptions.DepthCeiling, SearchNodeLimit, includeHidden, ReadDetails: false), cancellationToken)
                    .ConfigureAwait(false);
                var candidates = tree.Root.DescendantsAndSelf().Where(n => Matches(n.Info, role, element.Name)).ToList();
                if (candidates.Count > 0)
                {
                    return (await NearestAsync(reader, candidates, element.Bounds, cancellationToken).ConfigureAwait(false)).Info;
                }
            }
        }

        throw new NotFoundException($"no {Describe(element)} in application '{scope.Name}'");
    }

    private static async Task<AccessibleNode> NearestAsync(AccessibleTreeReader reader, List<AccessibleNode> candidates, Rect? bounds, CancellationToken cancellationToken)
    {
        if (candidates.Count == 1 || bounds is not { } target)
        {
            return candidates[0];
        }

        await reader.ReadDetailsAsync(candidates, cancellationToken).ConfigureAwait(false);
        return candidates.MinBy(c => c.Extents is { IsPlaced: true } e
            ? Math.Abs(e.X - target.X) + Math.Abs(e.Y - target.Y) + Math.Abs(e.Width - target.Width) + Math.Abs(e.Height - target.Height)
            : double.MaxValue)!;
    }

    private static async Task<AccessibleInfo?> AtPathAsync(AccessibleTreeReader reader, AccessibleInfo root, IReadOnlyList<int> path)
    {
        var current = root;
        foreach (var index in path)
        {
            var children = await reader.ChildrenAsync(current).ConfigureAwait(false);
            if (index >= children.Count || await reader.InfoAsync(children[index], current.Ref, index).ConfigureAwait(false) is not { } child)
            {
                return null;
            }

            current = child;
        }

        return current;
    }

    /// <summary>The object behind an id, read live; null when it (or its application) is gone.</summary>
    private async Task<AccessibleInfo?> LiveAsync(AccessibleRef reference)
    {
        try
        {
            return await bus.GetInfoAsync(reference, default, -1).ConfigureAwait(false) is { } info && !info.States.Has(AtSpiState.Defunct) ? info : null;
        }
        catch (Exception e) when (e is DBusErrorReplyException or InvalidDataException or DBusReadException)
        {
            return null;
        }
    }

    private static bool Matches(AccessibleInfo info, string? role, string name) =>
        (role is null || AtSpiRoles.Name(info.Role) == role) && (name.Length == 0 || info.Name == name);

    private static AccessibleRef? ReadId(UIElement element)
    {
        if (!element.Metadata.TryGetValue("id", out var value) || value is null)
        {
            return null;
        }

        return value is string text && AccessibleRef.TryParse(text, out var reference)
            ? reference
            : throw new ArgumentException(
                $"element.metadata.id must be an element id from ui.tree ('<bus name>:<object path>'), got {PyRepr.Format(value)}");
    }

    private static List<int>? ReadPath(UIElement element)
    {
        if (!element.Metadata.TryGetValue("path", out var value) || value is null)
        {
            return null;
        }

        if (value is not IList items || items.Count > MaxPathLength)
        {
            throw new ArgumentException($"element.metadata.path must be a list of at most {MaxPathLength} child indexes, as ui.tree gives it");
        }

        var path = new List<int>(items.Count);
        foreach (var item in items)
        {
            path.Add(item switch
            {
                long l and >= 0 and <= int.MaxValue => (int)l,
                int i and >= 0 => i,
                ulong u and <= int.MaxValue => (int)u,
                _ => throw new ArgumentException($"element.metadata.path holds {PyRepr.Format(item)}; each entry must be a child index (an integer >= 0)"),
            });
        }

        return path;
    }

    private static string Describe(UIElement element)
    {
        var parts = new List<string>();
        if (element.Role.Length > 0)
        {
            parts.Add($"role '{element.Role}'");
        }

        if (element.Name.Length > 0)
        {
            parts.Add($"name '{element.Name}'");
        }

        return parts.Count == 0 ? "element at the given bounds" : "element with " + string.Join(" and ", parts);
    }
}
