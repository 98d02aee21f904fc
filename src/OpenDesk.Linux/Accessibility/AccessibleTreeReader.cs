using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Reads a subtree of one application level by level. Each level costs at most one round of pipelined calls
/// (none where the application's cache already knows the objects), and the details of all kept nodes (extents,
/// actions, values, text) go out together at the end, so a tree of hundreds of objects takes a handful of round
/// trips rather than one per property.
/// </summary>
/// <param name="bus">Where calls to the application go.</param>
/// <param name="cache">The application's cache, or null to ask for every object.</param>
/// <param name="actionNames">Action names known from earlier reads in this session, or null to ask every time.</param>
internal sealed class AccessibleTreeReader(AtSpiConnection bus, ApplicationCache? cache, ActionNameCache? actionNames = null)
{
    /// <summary>The start of a long text is enough to recognise an element; a document's full text is not a tree's business.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>The basic facts of one object, from the cache when it has them.</summary>
    public async Task<AccessibleInfo?> InfoAsync(AccessibleRef reference, AccessibleRef parent = default, int indexInParent = -1)
    {
        if (cache is not null && cache.TryGet(reference, out var known))
        {
            return known;
        }

        return await OrNull(bus.GetInfoAsync(reference, parent, indexInParent)).ConfigureAwait(false);
    }

    /// <summary>The children of an object, from the cache when it can place them all.</summary>
    public async Task<IReadOnlyList<AccessibleRef>> ChildrenAsync(AccessibleInfo info)
    {
        if (info.Children is { } listed)
        {
            return listed;
        }

        if (cache is not null && cache.TryChildren(info.Ref, out var cached))
        {
            return cached;
        }

        return info.ChildCount == 0 ? [] : await OrNull(bus.GetChildrenAsync(info.Ref)).ConfigureAwait(false) ?? [];
    }

    public async Task<TreeReadResult> ReadAsync(AccessibleInfo rootInfo, IReadOnlyList<int> rootPath, TreeOptions options, CancellationToken cancellationToken)
    {
        var root = new AccessibleNode(rootInfo, rootPath);
        var count = 1;
        var truncated = false;
        var level = new List<AccessibleNode> { root };
        for (var depth = 0; level.Count > 0; depth++)
        {
            if (depth >= options.MaxDepth)
            {
                foreach (var node in level)
                {
                    node.ChildrenOmitted = Math.Max(node.Info.ChildCount, node.Info.Children?.Count ?? 0);
                }

                break;
            }

            var childLists = await Settle(level.Select(n => ChildrenAsync(n.Info)), cancellationToken).ConfigureAwait(false);
            var slots = new List<(AccessibleNode Parent, int Index, Task<AccessibleInfo?> Info)>();
            for (var i = 0; i < level.Count; i++)
            {
                var children = childLists[i] ?? [];
                for (var index = 0; index < children.Count; index++)
                {
                    if (!children[index].IsNull)
                    {
                        slots.Add((level[i], index, InfoAsync(children[index], level[i].Info.Ref, index)));
                    }
                }
            }

            var infos = await Settle(slots.Select(s => s.Info), cancellationToken).ConfigureAwait(false);
            var next = new List<AccessibleNode>();
            for (var i = 0; i < slots.Count; i++)
            {
                if (infos[i] is not { } info || info.States.Has(AtSpiState.Defunct)
                    || (!options.IncludeHidden && !info.States.Has(AtSpiState.Showing)))
                {
                    continue;
                }

                var (parent, index, _) = slots[i];
                if (count >= options.NodeLimit)
                {
                    parent.ChildrenOmitted++;
                    truncated = true;
                    continue;
                }

                var node = new AccessibleNode(info, [.. parent.Path, index]);
                parent.Children.Add(node);
                next.Add(node);
                count++;
            }

            level = next;
        }

        if (options.ReadDetails)
        {
            await ReadDetailsAsync([.. root.DescendantsAndSelf()], cancellationToken).ConfigureAwait(false);
        }

        return new TreeReadResult(root, count, truncated);
    }

    /// <summary>Extents, action names, values and text of every node, in one round of pipelined calls.</summary>
    public async Task ReadDetailsAsync(IReadOnlyList<AccessibleNode> nodes, CancellationToken cancellationToken)
    {
        var work = new List<Task>(nodes.Count * 2);
        foreach (var node in nodes)
        {
            var target = node.Info.Ref;
            var interfaces = node.Info.Interfaces;
            // Where an object is not showing the toolkit has no screen position for it (GTK answers int.MinValue
            // or a stale one), so it gets no bounds and the application is spared the call.
            if (interfaces.HasFlag(AtSpiInterfaces.Component) && node.Info.States.Has(AtSpiState.Showing))
            {
                work.Add(Apply(bus.GetExtentsAsync(target), node, static (n, extents) => n.Extents = extents));
            }

            if (interfaces.HasFlag(AtSpiInterfaces.Action))
            {
                if (actionNames is not null && actionNames.TryGet(target, out var known))
                {
                    node.ActionNames = known;
                }
                else
                {
                    work.Add(Apply(bus.GetActionNamesAsync(target), node, (n, names) =>
                    {
                        n.ActionNames = names;
                        actionNames?.Add(n.Info.Ref, names);
                    }));
                }
            }

            if (interfaces.HasFlag(AtSpiInterfaces.Value))
            {
                work.Add(Apply(bus.GetValueAsync(target), node, static (n, value) => n.Value = value));
            }

            if (interfaces.HasFlag(AtSpiInterfaces.Text))
            {
                // End offset -1 is AT-SPI's "to the end", which saves asking for CharacterCount first.
                work.Add(Apply(bus.GetTextAsync(target, 0, -1), node, static (n, text) =>
                {
                    if (text.Length > MaxTextLength)
                    {
                        n.TextLength = text.Length;
                        text = text[..(char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength)];
                    }

                    n.Text = text;
                }));
            }
        }

        await Task.WhenAll(work).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Awaits every call; a call the application refused (the object vanished meanwhile, an interface it only
    /// claimed) yields its default, while a lost connection still throws.
    /// </summary>
    private static async Task<T?[]> Settle<T>(IEnumerable<Task<T>> calls, CancellationToken cancellationToken) =>
        await Task.WhenAll(calls.Select(OrNull)).WaitAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<T?> OrNull<T>(Task<T> call)
    {
        try
        {
            return await call.ConfigureAwait(false);
        }
        catch (Exception e) when (IsObjectFailure(e))
        {
            return default;
        }
    }

    private static async Task Apply<T>(Task<T> call, AccessibleNode node, Action<AccessibleNode, T> store)
    {
        try
        {
            store(node, await call.ConfigureAwait(false));
        }
        catch (Exception e) when (IsObjectFailure(e))
        {
            // The detail stays unknown; the node itself is still worth reporting.
        }
    }

    private static bool IsObjectFailure(Exception e) => e is DBusErrorReplyException or InvalidDataException or DBusReadException or DBusUnexpectedValueException;
}
