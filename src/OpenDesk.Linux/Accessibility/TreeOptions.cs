namespace OpenDesk.Linux.Accessibility;

/// <summary>How much of an application's tree to read.</summary>
/// <param name="MaxDepth">Levels below the root to include; 0 is the root alone.</param>
/// <param name="NodeLimit">At most this many nodes, root included, taken level by level.</param>
/// <param name="IncludeHidden">Also objects that are not showing on screen (closed menus, other notebook pages).</param>
/// <param name="ReadDetails">Read extents, action names, text and values; off when only the structure is needed.</param>
internal sealed record TreeOptions(int MaxDepth, int NodeLimit, bool IncludeHidden = false, bool ReadDetails = true)
{
    /// <summary>How many nodes <c>ui.tree</c> returns at most.</summary>
    public const int DefaultNodeLimit = 2000;

    /// <summary>
    /// The deepest <c>max_depth</c> honoured. Each level nests two msgpack containers (the element and its children
    /// list) and a peer refuses frames nested deeper than 96, so a deeper tree could not be sent at all.
    /// </summary>
    public const int DepthCeiling = 40;
}
