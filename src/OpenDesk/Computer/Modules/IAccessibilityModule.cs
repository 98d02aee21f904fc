namespace OpenDesk.Computer.Modules;

/// <summary>The accessibility tree (capabilities <c>ui.tree</c>, <c>ui.actions</c>).</summary>
public interface IAccessibilityModule : IComputerModule
{
    /// <summary><c>ui.tree</c>: the tree of a window, an app, or (with neither) the focused window.</summary>
    Task<UIElement> UITreeAsync(string? windowId, string? app, int maxDepth, CancellationToken cancellationToken);

    /// <summary><c>ui.action</c> (<c>ui.actions</c>): finds <paramref name="element"/> and invokes <paramref name="action"/> on it.</summary>
    Task UIActionAsync(UIElement element, string action, string? app, CancellationToken cancellationToken);
}
