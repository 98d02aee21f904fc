using OpenDesk.Computer;
using OpenDesk.Linux.Windows;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Linux.Windows;

/// <summary>The fallbacks for a bare X server: the window tree instead of _NET_CLIENT_LIST, plain Xlib instead of EWMH requests.</summary>
public sealed class X11WindowsWithoutWindowManagerTests : IClassFixture<XvfbFixture>, IDisposable
{
    private readonly XvfbFixture _x;
    private readonly EwmhWindows _windows;

    public X11WindowsWithoutWindowManagerTests(XvfbFixture x)
    {
        _x = x;
        _windows = EwmhWindows.Open(x.DisplayName);
    }

    public void Dispose() => _windows.Dispose();

    [XvfbFact]
    public async Task Windows_are_listed_moved_focused_and_closed_without_a_window_manager()
    {
        var title = $"opendesk-bare-{Guid.NewGuid():N}";
        var (process, id) = X11Observer.StartXterm(_x, title, "-geometry", "40x8+30+40");

        var window = _windows.List().Single(w => w.Title == title);
        Assert.Equal(X11Observer.Hex(id), window.Id);
        Assert.Equal(process.Id, window.Pid);
        Assert.Equal("XTerm", window.AppName);
        var client = X11Observer.ClientGeometry(_x, id);
        Assert.True(client.Border > 0, "xterm has a border without a window manager, and bounds must include it");
        Assert.Equal(new Rect(client.X, client.Y, client.Width + (2 * client.Border), client.Height + (2 * client.Border)), window.Bounds);

        await _windows.MoveAsync(window.Id, new Rect(400, 300, 300, 200));
        XvfbFixture.WaitUntil(() => X11Observer.ClientGeometry(_x, id) is var moved && moved.X == 400 && moved.Y == 300,
            X11Observer.Deadline, "the window to move");

        await _windows.FocusAsync(window.Id);
        Assert.True(_windows.Focused()?.Id == window.Id, "the focused window should be the one just focused");

        _windows.Close(window.Id);
        X11Observer.WaitForExit(process, "xterm after WM_DELETE_WINDOW");
    }
}
