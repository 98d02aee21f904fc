namespace OpenDesk.Linux.Accessibility;

/// <summary>One object in a tree read from an application, with the details read for it.</summary>
internal sealed class AccessibleNode(AccessibleInfo info, IReadOnlyList<int> path)
{
    public AccessibleInfo Info { get; } = info;

    /// <summary>Child indexes from the application root down to this object (empty for the root itself).</summary>
    public IReadOnlyList<int> Path { get; } = path;

    public List<AccessibleNode> Children { get; } = [];

    /// <summary>Children left out by the depth or node limit (hidden ones never count); 0 when none were.</summary>
    public int ChildrenOmitted { get; set; }

    public ScreenExtents? Extents { get; set; }

    public IReadOnlyList<string> ActionNames { get; set; } = [];

    public string? Text { get; set; }

    /// <summary>The whole text's length when <see cref="Text"/> holds only its start.</summary>
    public int? TextLength { get; set; }

    public ValueRange? Value { get; set; }

    public IEnumerable<AccessibleNode> DescendantsAndSelf()
    {
        var stack = new Stack<AccessibleNode>();
        stack.Push(this);
        while (stack.TryPop(out var node))
        {
            yield return node;
            for (var i = node.Children.Count - 1; i >= 0; i--)
            {
                stack.Push(node.Children[i]);
            }
        }
    }
}
