using OpenDesk.Computer;
using OpenDesk.Mcp.Tools;

namespace OpenDesk.Tests.Mcp;

/// <summary>The tools' schemas are well formed, and their hints say what the method table says of the methods behind them.</summary>
public sealed class ToolCatalogTests
{
    [Fact]
    public void Every_tool_has_a_valid_schema_and_a_description()
    {
        foreach (var tool in ToolCatalog.All.Select(t => t.ToProtocol()))
        {
            ToolSchemaAssert.Valid(tool.Name, tool.InputSchema);
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), tool.Name);
        }

        Assert.Equal(ToolCatalog.All.Count, ToolCatalog.All.Select(t => t.Name).Distinct().Count());
    }

    [Fact]
    public void The_issue_s_tools_are_all_there()
    {
        string[] expected =
        [
            "screenshot", "mouse", "keyboard", "ui", "windows", "apps", "clipboard", "files", "shell", "exec", "wait",
            "opendesk_peers", "opendesk_use", "opendesk_status", "opendesk_discover", "opendesk_capabilities", "opendesk_disconnect", "opendesk_describe",
        ];
        Assert.Equal(expected.Order(), ToolCatalog.All.Select(t => t.Name).Order());
    }

    [Theory]
    [InlineData("screenshot", true, false)]
    [InlineData("mouse", false, false)]
    [InlineData("keyboard", false, false)]
    [InlineData("ui", false, false)]
    [InlineData("clipboard", false, false)]
    [InlineData("windows", false, true)]
    [InlineData("apps", false, true)]
    [InlineData("files", false, true)]
    [InlineData("shell", false, true)]
    [InlineData("exec", false, true)]
    [InlineData("wait", true, false)]
    [InlineData("opendesk_peers", true, false)]
    [InlineData("opendesk_use", false, false)]
    public void Hints_follow_the_method_table(string name, bool readOnly, bool destructive)
    {
        var tool = ToolCatalog.ByName[name];
        var annotations = tool.ToProtocol().Annotations!;
        Assert.Equal(readOnly, annotations.ReadOnlyHint);
        Assert.Equal(destructive, annotations.DestructiveHint);
        if (tool.Methods.Count > 0)
        {
            Assert.Equal(tool.Methods.All(m => Methods.Get(m).Class == MethodClass.Observation), annotations.ReadOnlyHint);
            Assert.Equal(!annotations.ReadOnlyHint!.Value && tool.Methods.Any(m => Methods.Get(m).Destructive), annotations.DestructiveHint);
        }
    }

    [Fact]
    public void Arguments_that_carry_a_wire_param_are_described_by_the_method_table()
    {
        var shell = ToolCatalog.ByName["shell"].ToProtocol().InputSchema.GetProperty("properties");
        foreach (var parameter in Methods.Get(Methods.ProcessShell).Parameters)
        {
            Assert.Equal(parameter.Description, shell.GetProperty(parameter.Name).GetProperty("description").GetString());
        }

        var capture = Methods.Get(Methods.DisplayCapture).Parameters.Single(p => p.Name == "cursor");
        var screenshot = ToolCatalog.ByName["screenshot"].ToProtocol().InputSchema.GetProperty("properties");
        Assert.Equal(capture.Description, screenshot.GetProperty("cursor").GetProperty("description").GetString());

        // The files tool's action choices each name their method's own description.
        var files = ToolCatalog.ByName["files"].ToProtocol().InputSchema.GetProperty("properties").GetProperty("action").GetProperty("description").GetString();
        Assert.Contains($"delete: {Methods.Get(Methods.FsDelete).Description}", files, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_desk_tool_takes_peer_and_every_action_tool_takes_screenshot_after()
    {
        foreach (var tool in ToolCatalog.All.Where(t => t.OnDesk))
        {
            Assert.Contains(tool.Parameters, p => p.Name == "peer");
            var acts = tool.Methods.Any(m => Methods.Get(m).Class == MethodClass.Action);
            Assert.True(!acts || tool.Parameters.Any(p => p.Name == "screenshot_after"), $"{tool.Name} acts but takes no screenshot_after");
        }
    }
}
