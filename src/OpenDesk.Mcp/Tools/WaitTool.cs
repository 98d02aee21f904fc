using System.Globalization;

namespace OpenDesk.Mcp.Tools;

/// <summary><c>wait</c>: lets the desk catch up (an app starting, a page loading), then optionally looks.</summary>
internal static class WaitTool
{
    private static readonly ToolParameter Seconds = new("seconds", ToolValueKind.Number, "How long to wait.")
    {
        Required = true,
        Minimum = 0,
        Maximum = 60,
    };

    private static readonly ToolParameter ScreenshotAfter = Common.ScreenshotAfter with { Description = "Take a screenshot after waiting." };

    public static ToolDefinition Definition { get; } = new()
    {
        Name = "wait",
        Title = "Wait",
        Description = "Wait a number of seconds (up to 60), for instance for an application to start, then optionally take a screenshot.",
        Methods = [],
        ReadOnly = true,
        Parameters = [Seconds, ScreenshotAfter, Common.Peer],
        OnDesk = true,
        RunAsync = async call =>
        {
            var seconds = call.Args.Number(Seconds.Name)!.Value;
            await Task.Delay(TimeSpan.FromSeconds(seconds), call.CancellationToken).ConfigureAwait(false);
            return ToolOutput.Text(string.Create(CultureInfo.InvariantCulture, $"Waited {seconds:0.###} s."));
        },
    };
}
