using System.Globalization;
using OpenDesk.Computer;
using OpenDesk.Mcp.Desks;

namespace OpenDesk.Mcp.Tools;

/// <summary>Arguments many tools share, and the coordinate rule they all follow.</summary>
internal static class Common
{
    public static readonly ToolParameter Peer = new("peer", ToolValueKind.String,
        "The desk to drive: a paired desk's name (see opendesk_peers) or 'local' for this machine. Omitted: the desk chosen with opendesk_use, " +
        "else the only paired desk, else this machine when none is paired.");

    public static readonly ToolParameter ScreenshotAfter = new("screenshot_after", ToolValueKind.Boolean,
        "Also take a screenshot after the action (default size and format), to act and look in one call.") { Default = false };

    public static readonly ToolParameter SettleMs = new("settle_ms", ToolValueKind.Integer,
        "With screenshot_after: milliseconds to wait before the screenshot, so the screen can redraw.") { Default = (long)DefaultSettleMs, Minimum = 0, Maximum = 10_000 };

    public static readonly ToolParameter Logical = new("logical", ToolValueKind.Boolean,
        "Read the coordinates of this call as logical screen pixels instead of pixels of the last screenshot.") { Default = false };

    public const int DefaultSettleMs = 300;

    /// <summary>An <c>action</c> argument whose choices each run one wire method, described by that method's row.</summary>
    public static ToolParameter Actions(params (string Name, string Method)[] actions) =>
        new("action", ToolValueKind.String, string.Join(" ", actions.Select(a => $"{a.Name}: {Methods.Get(a.Method).Description}")))
        {
            Required = true,
            Choices = [.. actions.Select(a => a.Name)],
        };

    public static string MethodOf((string Name, string Method)[] actions, string action) => actions.First(a => a.Name == action).Method;

    /// <summary>The arguments every action tool ends with.</summary>
    public static ToolParameter[] ActionTail => [ScreenshotAfter, SettleMs, Peer];

    /// <summary>
    /// The logical point for (<paramref name="x"/>, <paramref name="y"/>): read in the last screenshot's space and
    /// mapped back through its scale and offset, or taken as logical when asked (or when there is no screenshot yet,
    /// which <paramref name="note"/> then says).
    /// </summary>
    public static Point ToLogical(ToolCall call, double x, double y, out string note)
    {
        if (call.Args.Bool(Logical.Name))
        {
            note = "";
            return new Point(x, y);
        }

        if (call.Desk.Frame is not { } frame)
        {
            note = $" (no screenshot of {call.Where} yet, so ({Number(x)}, {Number(y)}) were taken as logical pixels)";
            return new Point(x, y);
        }

        if (!frame.Contains(x, y))
        {
            throw new ToolFailure(
                $"({Number(x)}, {Number(y)}) is outside the last screenshot of {call.Where}, which is {frame.Width}x{frame.Height}. " +
                "Coordinates are read in that image's space; pass logical: true for logical screen pixels, or take a new screenshot.");
        }

        var point = frame.ToLogical(x, y);
        note = frame.ScaleX == 1 && frame.ScaleY == 1 && frame.Area.X == 0 && frame.Area.Y == 0
            ? ""
            : $" (({Number(x)}, {Number(y)}) in the last screenshot)";
        return point;
    }

    /// <summary>
    /// Text from the desk (a name, a value, a title) in double quotes on one line, so every listed element stays one
    /// line an agent can read and a program can parse: quotes, backslashes and line breaks are escaped, long text cut.
    /// </summary>
    public static string Quoted(string text, int maxLength = 200)
    {
        var shown = text.Length <= maxLength ? text : text[..(maxLength - 1)] + "…";
        var quoted = new System.Text.StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }

    public static string Number(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);

    public static string Point(Point point) => $"({Number(point.X)}, {Number(point.Y)})";

    public static string Rect(Rect rect) => $"({Number(rect.X)}, {Number(rect.Y)}) {Number(rect.Width)}x{Number(rect.Height)}";

    public static string Size(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB".Replace(',', '.') : $"{bytes / (1024.0 * 1024):0.##} MB".Replace(',', '.');
}
