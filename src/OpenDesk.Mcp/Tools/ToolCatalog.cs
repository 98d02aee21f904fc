using System.Collections.Frozen;

namespace OpenDesk.Mcp.Tools;

/// <summary>Every tool this server offers, in the order clients list them.</summary>
internal static class ToolCatalog
{
    public static IReadOnlyList<ToolDefinition> All { get; } =
    [
        ScreenshotTool.Definition,
        MouseTool.Definition,
        KeyboardTool.Definition,
        UiTool.Definition,
        DesktopTools.Windows,
        DesktopTools.Apps,
        DesktopTools.Clipboard,
        FilesTool.Definition,
        ProcessTools.Shell,
        ProcessTools.Exec,
        WaitTool.Definition,
        .. AdminTools.All,
    ];

    public static FrozenDictionary<string, ToolDefinition> ByName { get; } = All.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);
}
