namespace OpenDesk.Linux.Accessibility;

/// <summary>A tree read by <see cref="AccessibleTreeReader"/>.</summary>
/// <param name="Root">The root node with its kept descendants.</param>
/// <param name="NodeCount">How many nodes the tree holds, root included.</param>
/// <param name="Truncated">True when the node limit left out shown objects.</param>
internal sealed record TreeReadResult(AccessibleNode Root, int NodeCount, bool Truncated);
