using System.Diagnostics;
using System.Globalization;
using OpenDesk.Computer;
using OpenDesk.Linux.Windows;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Linux.Windows;

/// <summary>The window service under openbox, checked with xdotool, xwininfo, xprop and wmctrl.</summary>
public sealed class EwmhWindowsTests : IClassFixture<OpenboxXvfbFixture>, IDisposable
{
    private readonly OpenboxXvfbFixture _x;
    private readonly EwmhWindows _windows;

    public EwmhWindowsTests(OpenboxXvfbFixture x)
    {
        _x = x;
        _windows = EwmhWindows.Open(x.DisplayName);
    }

    public void Dispose() => _windows.Dispose();

    [XvfbFact]
    public void List_reports_a_terminal_with_title_app_pid_frame_bounds_and_desktop()
    {
        var title = Title("list");
        var (process, id) = X11Observer.StartXterm(_x, title, "-geometry", "50x10+100+120");

        var window = _windows.List().Single(w => w.Title == title);

        Assert.Equal(X11Observer.Hex(id), window.Id);
        Assert.Equal("XTerm", window.AppName);
        Assert.Equal(process.Id, window.Pid);
        Assert.Equal("0", window.Workspace);
        Assert.False(window.Minimized);
        var client = X11Observer.ClientGeometry(_x, id);
        var frame = X11Observer.FrameExtents(_x, id)!.Value;
        Assert.True(frame.Top > 0, "openbox draws a title bar, so the frame must be part of the bounds");
        Assert.Equal(new Rect(client.X - frame.Left, client.Y - frame.Top, client.Width + frame.Left + frame.Right, client.Height + frame.Top + frame.Bottom),
            window.Bounds);
        Assert.Equal(X11Observer.ActiveWindow(_x) == id, window.Focused);
    }

    [XvfbFact]
    public void Focused_is_the_window_the_window_manager_reports_active()
    {
        var title = Title("focused");
        var (_, id) = X11Observer.StartXterm(_x, title, "-geometry", "40x8+300+300");
        _x.Run("xdotool", "windowactivate", "--sync", id.ToString(CultureInfo.InvariantCulture));

        var focused = _windows.Focused();

        Assert.NotNull(focused);
        Assert.Equal(X11Observer.Hex(id), focused.Id);
        Assert.True(focused.Focused);
        Assert.Equal(title, focused.Title);
    }

    [XvfbFact]
    public async Task Focus_activates_the_window_and_accepts_decimal_ids()
    {
        var (_, first) = X11Observer.StartXterm(_x, Title("focus-a"), "-geometry", "40x8+20+400");
        var (_, second) = X11Observer.StartXterm(_x, Title("focus-b"), "-geometry", "40x8+500+400");

        await _windows.FocusAsync(X11Observer.Hex(first));
        WaitUntilActive(first);

        await _windows.FocusAsync(second.ToString(CultureInfo.InvariantCulture));
        WaitUntilActive(second);
    }

    [XvfbFact]
    public async Task Focus_restores_a_minimised_window()
    {
        var title = Title("minimised");
        var (_, id) = X11Observer.StartXterm(_x, title, "-geometry", "40x8+200+200");
        _x.Run("xdotool", "windowminimize", "--sync", id.ToString(CultureInfo.InvariantCulture));
        XvfbFixture.WaitUntil(() => _windows.List().Single(w => w.Title == title).Minimized, X11Observer.Deadline, "the window to be reported minimised");

        await _windows.FocusAsync(X11Observer.Hex(id));

        WaitUntilActive(id);
        Assert.DoesNotContain("_NET_WM_STATE_HIDDEN", X11Observer.WindowState(_x, id), StringComparison.Ordinal);
        Assert.False(_windows.List().Single(w => w.Title == title).Minimized);
    }

    [XvfbFact]
    public async Task Move_places_the_frame_where_asked_and_reports_the_same_bounds()
    {
        var title = Title("move");
        var (_, id) = X11Observer.StartXterm(_x, title, "-geometry", "40x8+50+50");

        await _windows.MoveAsync(X11Observer.Hex(id), new Rect(210, 160, 500, 300));

        var frame = X11Observer.FrameExtents(_x, id)!.Value;
        var client = X11Observer.ClientGeometry(_x, id);
        Assert.Equal((210 + frame.Left, 160 + frame.Top), (client.X, client.Y));

        // xterm resizes in character cells, so the size lands within one cell of the request.
        var bounds = _windows.List().Single(w => w.Title == title).Bounds!;
        Assert.Equal((210.0, 160.0), (bounds.X, bounds.Y));
        Assert.InRange(bounds.Width, 500 - 20, 500 + 20);
        Assert.InRange(bounds.Height, 300 - 30, 300 + 30);
    }

    [XvfbFact]
    public async Task Move_restores_a_maximised_window_first()
    {
        var title = Title("maximised");
        var (_, id) = X11Observer.StartXterm(_x, title, "-geometry", "40x8+50+50");
        _x.Run("wmctrl", "-i", "-r", X11Observer.Hex(id), "-b", "add,maximized_vert,maximized_horz");
        XvfbFixture.WaitUntil(() => X11Observer.WindowState(_x, id).Contains("MAXIMIZED_HORZ", StringComparison.Ordinal),
            X11Observer.Deadline, "openbox to maximise the window");

        await _windows.MoveAsync(X11Observer.Hex(id), new Rect(300, 250, 400, 250));

        Assert.DoesNotContain("MAXIMIZED", X11Observer.WindowState(_x, id), StringComparison.Ordinal);
        var bounds = _windows.List().Single(w => w.Title == title).Bounds!;
        Assert.Equal((300.0, 250.0), (bounds.X, bounds.Y));
        Assert.InRange(bounds.Width, 400 - 20, 400 + 20);
    }

    [XvfbFact]
    public void Close_asks_the_window_to_close_and_it_goes_away()
    {
        var (process, id) = X11Observer.StartXterm(_x, Title("close"), "-geometry", "40x8+600+100");

        _windows.Close(X11Observer.Hex(id));

        X11Observer.WaitForExit(process, "xterm after windows.close");
        XvfbFixture.WaitUntil(() => !X11Observer.ManagedWindows(_x).Contains(id), X11Observer.Deadline, "wmctrl to stop listing the window");
        Assert.DoesNotContain(_windows.List(), w => w.Id == X11Observer.Hex(id));
    }

    [XvfbFact]
    public async Task Unknown_and_malformed_ids_are_not_found_and_invalid_argument()
    {
        foreach (var id in new[] { "0x1fffffe", "12345", X11Observer.Hex(long.Parse(_x.Run("xdotool", "getactivewindow").Trim(), CultureInfo.InvariantCulture) + 0x100000) })
        {
            var focus = await WireErrors.OfAsync(() => _windows.FocusAsync(id));
            Assert.Equal(ErrorCodes.NotFound, focus.Code);
            Assert.StartsWith("no window 0x", focus.Detail, StringComparison.Ordinal);
            Assert.Equal(ErrorCodes.NotFound, (await WireErrors.OfAsync(() => _windows.MoveAsync(id, new Rect(0, 0, 100, 100)))).Code);
            Assert.Equal(ErrorCodes.NotFound, WireErrors.Of(() => _windows.Close(id)).Code);
        }

        foreach (var id in new[] { "", "w1", "0x", "-5", "0xZZ", "0" })
        {
            Assert.Equal(ErrorCodes.InvalidArgument, WireErrors.Of(() => _windows.Close(id)).Code);
        }
    }

    [XvfbFact]
    public async Task A_window_that_vanished_is_not_found_and_listing_while_windows_die_never_fails()
    {
        var (gone, goneId) = X11Observer.StartXterm(_x, Title("gone"), "-geometry", "20x5+10+10");
        var dying = Enumerable.Range(0, 4).Select(i => X11Observer.StartXterm(_x, Title($"dying{i}"), "-geometry", $"20x5+{100 * i}+600").Process).ToList();
        gone.Kill();
        X11Observer.WaitForExit(gone, "the killed xterm");

        // The process is gone before the server has noticed the closed connection and destroyed its window.
        XvfbFixture.WaitUntil(() => !X11Observer.ManagedWindows(_x).Contains(goneId), X11Observer.Deadline, "the killed xterm's window to go");

        var stale = X11Observer.Hex(goneId);
        Assert.Equal(ErrorCodes.NotFound, (await WireErrors.OfAsync(() => _windows.FocusAsync(stale))).Code);
        Assert.Equal(ErrorCodes.NotFound, (await WireErrors.OfAsync(() => _windows.MoveAsync(stale, new Rect(0, 0, 100, 100)))).Code);
        Assert.Equal(ErrorCodes.NotFound, WireErrors.Of(() => _windows.Close(stale)).Code);

        // Kill the others while listing: windows disappear between reading the client list and describing them.
        var killer = Task.Run(() => dying.ForEach(p => { p.Kill(); Thread.Sleep(10); }));
        var stopwatch = Stopwatch.StartNew();
        while (!killer.IsCompleted || stopwatch.ElapsedMilliseconds < 200)
        {
            Assert.DoesNotContain(_windows.List(), w => w.Id == stale);
            _windows.Focused();
        }

        await killer;
    }

    [XvfbFact]
    public void Windows_are_found_by_pid_and_by_application_name()
    {
        var title = Title("lookup");
        var (process, id) = X11Observer.StartXterm(_x, title, "-geometry", "30x5+700+500");

        Assert.Equal(X11Observer.Hex(id), Assert.Single(_windows.ForPid(process.Id)).Id);
        Assert.Contains(_windows.ForApp("xterm"), w => w.Id == X11Observer.Hex(id));
        Assert.Contains(_windows.ForApp("XTerm"), w => w.Id == X11Observer.Hex(id));
        Assert.Empty(_windows.ForApp("no-such-application"));
    }

    /// <summary>
    /// Focus returns once the window manager reports the window active, but xdotool reads that through its own
    /// connection, so give it a moment under load.
    /// </summary>
    private void WaitUntilActive(long id) =>
        XvfbFixture.WaitUntil(() => X11Observer.ActiveWindow(_x) == id, X11Observer.Deadline, $"{X11Observer.Hex(id)} to be the active window");

    private static string Title(string what) => $"opendesk-{what}-{Guid.NewGuid():N}";
}
