using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenDesk.Tests.Linux.Windows;

/// <summary>
/// Starts real X clients and reads the desktop back through independent tools (xdotool, xwininfo, xprop,
/// wmctrl), so tests never check the code under test against itself.
/// </summary>
internal static partial class X11Observer
{
    /// <summary>How long an effect may take to show; generous because a loaded 2-core machine delays X clients by seconds.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    /// <summary>Starting a client is the slowest step on a loaded machine (seconds while parallel suites start servers).</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(15);

    /// <summary>Starts an xterm titled <paramref name="title"/> in a UTF-8 locale and waits until it is mapped (and framed, under a window manager).</summary>
    public static (Process Process, long Id) StartXterm(XvfbFixture x, string title, params string[] args)
    {
        // env execs xterm, so the process id is xterm's own (what _NET_WM_PID reports).
        var process = x.Start("env", ["LC_ALL=C.UTF-8", "xterm", "-T", title, .. args]);
        try
        {
            return (process, WaitForWindow(x, title));
        }
        catch (TimeoutException e) when (process.HasExited)
        {
            throw new TimeoutException($"{e.Message}: xterm exited with {process.ExitCode}", e);
        }
    }

    /// <summary>The id of the visible window titled exactly <paramref name="title"/>, once it is ready for input.</summary>
    public static long WaitForWindow(XvfbFixture x, string title)
    {
        long id = 0;
        XvfbFixture.WaitUntil(() => (id = FindWindow(x, title)) != 0 && (!x.WithWindowManager || FrameExtents(x, id) is not null),
            StartDeadline, $"window '{title}' to be mapped");
        return id;
    }

    public static long FindWindow(XvfbFixture x, string title)
    {
        var output = TryRun(x, "xdotool", "search", "--onlyvisible", "--name", $"^{Regex.Escape(title)}$");
        return output?.Split('\n', StringSplitOptions.RemoveEmptyEntries) is [var first, ..]
            ? long.Parse(first, CultureInfo.InvariantCulture)
            : 0;
    }

    public static long ActiveWindow(XvfbFixture x) =>
        TryRun(x, "xdotool", "getactivewindow") is { } output ? long.Parse(output.Trim(), CultureInfo.InvariantCulture) : 0;

    public static (int X, int Y) PointerLocation(XvfbFixture x)
    {
        var output = x.Run("xdotool", "getmouselocation", "--shell");
        return (ShellValue(output, "X"), ShellValue(output, "Y"));
    }

    /// <summary>
    /// The client window (inside any frame) as xwininfo reports it: the root position of the outer corner of its
    /// own border, the size inside that border, and the border width.
    /// </summary>
    public static (int X, int Y, int Width, int Height, int Border) ClientGeometry(XvfbFixture x, long id)
    {
        var output = x.Run("xwininfo", "-id", id.ToString(CultureInfo.InvariantCulture));
        return (XwininfoValue(output, "Absolute upper-left X"), XwininfoValue(output, "Absolute upper-left Y"),
            XwininfoValue(output, "Width"), XwininfoValue(output, "Height"), XwininfoValue(output, "Border width"));
    }

    /// <summary>_NET_FRAME_EXTENTS (left, right, top, bottom) as xprop reads it, or null before the window manager sets it.</summary>
    public static (int Left, int Right, int Top, int Bottom)? FrameExtents(XvfbFixture x, long id)
    {
        var output = TryRun(x, "xprop", "-id", id.ToString(CultureInfo.InvariantCulture), "_NET_FRAME_EXTENTS");
        var match = output is null ? null : FrameExtentsPattern().Match(output);
        return match is { Success: true }
            ? (Int(match.Groups[1].Value), Int(match.Groups[2].Value), Int(match.Groups[3].Value), Int(match.Groups[4].Value))
            : null;
    }

    public static string WindowState(XvfbFixture x, long id) =>
        TryRun(x, "xprop", "-id", id.ToString(CultureInfo.InvariantCulture), "_NET_WM_STATE") ?? "";

    /// <summary>Window ids (as hex, like wmctrl prints them) of the windows the window manager lists.</summary>
    public static IReadOnlyList<long> ManagedWindows(XvfbFixture x) =>
        [.. x.Run("wmctrl", "-l").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => long.Parse(line.Split(' ')[0].AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];

    public static string Hex(long id) => "0x" + id.ToString("x", CultureInfo.InvariantCulture);

    public static void WaitForExit(Process process, string what)
    {
        if (!process.WaitForExit(Deadline))
        {
            throw new TimeoutException($"{what} did not exit within {Deadline.TotalSeconds} s");
        }
    }

    public static string? TryRun(XvfbFixture x, string command, params string[] args)
    {
        try
        {
            return x.Run(command, args);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static int ShellValue(string output, string key) =>
        Int(output.Split('\n').Single(line => line.StartsWith(key + "=", StringComparison.Ordinal))[(key.Length + 1)..]);

    private static int XwininfoValue(string output, string key) =>
        Int(output.Split('\n').Select(line => line.Trim()).Single(line => line.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim());

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"=\s*(\d+),\s*(\d+),\s*(\d+),\s*(\d+)")]
    private static partial Regex FrameExtentsPattern();
}
