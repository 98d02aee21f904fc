using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// What one Cache.GetItems call said about an application: each object's basic facts, and for each parent the
/// children the cache can place. A parent whose children the cache cannot all place (the toolkit leaves out
/// the children of menus and of objects that manage their descendants) has no entry in <see cref="TryChildren"/>,
/// and its children are asked for directly.
/// </summary>
internal sealed class ApplicationCache
{
    private readonly Dictionary<AccessibleRef, AccessibleInfo> _items;
    private readonly Dictionary<AccessibleRef, AccessibleRef[]> _children = [];

    private ApplicationCache(List<AccessibleInfo> items)
    {
        _items = new Dictionary<AccessibleRef, AccessibleInfo>(items.Count);
        foreach (var item in items)
        {
            _items[item.Ref] = item;
        }

        var placed = new Dictionary<AccessibleRef, AccessibleRef[]>();
        foreach (var item in _items.Values)
        {
            if (item.Children is { } listed)
            {
                _children[item.Ref] = [.. listed];
                continue;
            }

            if (item.ChildCount >= 0 && !placed.ContainsKey(item.Ref))
            {
                placed[item.Ref] = new AccessibleRef[item.ChildCount];
            }
        }

        var complete = new HashSet<AccessibleRef>(placed.Keys);
        foreach (var item in _items.Values)
        {
            if (placed.TryGetValue(item.Parent, out var slots))
            {
                if (item.IndexInParent < 0 || item.IndexInParent >= slots.Length || (slots[item.IndexInParent].BusName is not null && slots[item.IndexInParent] != item.Ref))
                {
                    complete.Remove(item.Parent);
                }
                else
                {
                    slots[item.IndexInParent] = item.Ref;
                }
            }
        }

        foreach (var (parent, slots) in placed)
        {
            if (complete.Contains(parent) && Array.TrueForAll(slots, s => s.BusName is not null))
            {
                _children[parent] = slots;
            }
        }
    }

    public int Count => _items.Count;

    /// <summary>
    /// Reads the application's cache, and its private bus address on the way. GTK builds its cache only once an
    /// assistive technology has shown itself, which asking for that address does, so both calls go out together
    /// and the cache answers from the first request on. The cache is null when the application has none that
    /// this client can use; the address is null when the application has no private bus.
    /// </summary>
    public static async Task<(ApplicationCache? Cache, string? PrivateAddress)> LoadAsync(AtSpiConnection bus, string busName)
    {
        var activation = bus.GetApplicationBusAddressAsync(busName);
        var items = bus.GetCacheItemsAsync(busName);
        string? address = null;
        try
        {
            address = await activation.ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusErrorReplyException or InvalidDataException)
        {
            // Toolkits without a private bus refuse this call; their cache (if any) needs no activation.
        }

        try
        {
            return (await items.ConfigureAwait(false) is { } list ? new ApplicationCache(list) : null, address);
        }
        catch (Exception e) when (e is DBusErrorReplyException or InvalidDataException or DBusReadException)
        {
            return (null, address);
        }
    }

    public bool TryGet(AccessibleRef reference, out AccessibleInfo info) => _items.TryGetValue(reference, out info!);

    public bool TryChildren(AccessibleRef parent, out IReadOnlyList<AccessibleRef> children)
    {
        if (_children.TryGetValue(parent, out var found))
        {
            children = found;
            return true;
        }

        children = [];
        return false;
    }
}
