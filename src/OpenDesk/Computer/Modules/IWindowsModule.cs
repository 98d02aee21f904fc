namespace OpenDesk.Computer.Modules;

/// <summary>
/// Top-level windows (capabilities <c>windows.list</c> for listing, <c>windows.manipulate</c> for focusing, moving
/// and closing). Each method is only called when the module lists its capability.
/// </summary>
public interface IWindowsModule : IComputerModule
{
    /// <summary><c>windows.list</c>: the top-level windows.</summary>
    Task<IReadOnlyList<Window>> ListWindowsAsync(CancellationToken cancellationToken);

    /// <summary><c>windows.focused</c> (<c>windows.list</c>): the focused window, or null when none is.</summary>
    Task<Window?> FocusedWindowAsync(CancellationToken cancellationToken);

    /// <summary><c>windows.focus</c> (<c>windows.manipulate</c>): raises and focuses a window.</summary>
    Task FocusWindowAsync(string windowId, CancellationToken cancellationToken);

    /// <summary><c>windows.move</c> (<c>windows.manipulate</c>): moves and resizes a window to <paramref name="bounds"/>.</summary>
    Task MoveWindowAsync(string windowId, Rect bounds, CancellationToken cancellationToken);

    /// <summary><c>windows.close</c> (<c>windows.manipulate</c>): asks a window to close.</summary>
    Task CloseWindowAsync(string windowId, CancellationToken cancellationToken);
}
