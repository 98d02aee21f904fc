namespace OpenDesk.Linux.Accessibility;

/// <summary>Where a tree starts: an application root or one of its top-level windows, with the reader for its application.</summary>
/// <param name="Application">The application the root belongs to.</param>
/// <param name="Reader">Reads objects of that application (through its cache when it has one).</param>
/// <param name="Root">The root object's basic facts.</param>
/// <param name="RootPath">Child indexes from the application root to <paramref name="Root"/>.</param>
internal sealed record TreeTarget(AccessibleApplication Application, AccessibleTreeReader Reader, AccessibleInfo Root, IReadOnlyList<int> RootPath);
