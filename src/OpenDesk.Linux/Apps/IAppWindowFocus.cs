namespace OpenDesk.Linux.Apps;

/// <summary>
/// Focuses an application's window for <c>apps.focus</c>. Windows are the window service's business (EWMH);
/// this seam keeps the app service free of X11 and lets tests supply a fake.
/// </summary>
internal interface IAppWindowFocus
{
    /// <summary>
    /// Raises and focuses the first top-level window owned by one of <paramref name="pids"/> (or, for windows that
    /// carry no pid, whose WM_CLASS matches <paramref name="name"/>). Returns false when there is no such window.
    /// </summary>
    bool FocusFirstWindowOf(IReadOnlyCollection<int> pids, string name);
}
