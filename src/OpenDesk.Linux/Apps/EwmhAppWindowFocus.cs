using OpenDesk.Linux.Windows;

namespace OpenDesk.Linux.Apps;

/// <summary><c>apps.focus</c> through the EWMH windows: the first window of the app's processes, else of its WM_CLASS.</summary>
internal sealed class EwmhAppWindowFocus(EwmhWindows windows) : IAppWindowFocus
{
    public bool FocusFirstWindowOf(IReadOnlyCollection<int> pids, string name)
    {
        var window = windows.List().FirstOrDefault(w => w.Pid is { } pid && pids.Contains(pid))
            ?? windows.ForApp(name).FirstOrDefault();
        if (window is null)
        {
            return false;
        }

        windows.FocusAsync(window.Id).GetAwaiter().GetResult();
        return true;
    }
}
