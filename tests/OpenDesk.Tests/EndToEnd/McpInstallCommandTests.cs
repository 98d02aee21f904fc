using System.Runtime.Versioning;
using System.Text.Json.Nodes;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>opendesk mcp install|uninstall</c> on the client configurations users really have: linked from a dotfiles
/// repository, written with comments, or broken in ways a parser does not expect.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class McpInstallCommandTests : IDisposable
{
    private readonly EndToEndScope _scope = new();
    private readonly string _userHome;

    public McpInstallCommandTests() => _userHome = _scope.Home("user");

    private string CursorConfig => Path.Combine(_userHome, ".cursor", "mcp.json");

    [Fact]
    public async Task A_configuration_linked_from_a_dotfiles_repository_is_changed_at_its_target_and_stays_a_link()
    {
        var dotfiles = Directory.CreateDirectory(Path.Combine(_userHome, "dotfiles")).FullName;
        var target = Path.Combine(dotfiles, "cursor-mcp.json");
        File.WriteAllText(target, """{ "mcpServers": { "other": { "command": "other-server" } } }""");
        Directory.CreateDirectory(Path.GetDirectoryName(CursorConfig)!);
        File.CreateSymbolicLink(CursorConfig, "../dotfiles/cursor-mcp.json");

        var installed = await Mcp("install", "cursor");
        Assert.True(installed.Exit == 0, installed.Err);
        Assert.Equal($"✓ Added opendesk to Cursor (user scope): {CursorConfig}", installed.Out.Split('\n')[0]);
        Assert.Equal("../dotfiles/cursor-mcp.json", new FileInfo(CursorConfig).LinkTarget);
        var servers = JsonNode.Parse(File.ReadAllText(target))!["mcpServers"]!.AsObject();
        Assert.Equal(OpendeskCli.LauncherPath, servers["opendesk"]!["command"]!.GetValue<string>());
        Assert.Equal("other-server", servers["other"]!["command"]!.GetValue<string>());

        var removed = await Mcp("uninstall", "cursor");
        Assert.True(removed.Exit == 0, removed.Err);
        Assert.Equal($"✓ Removed opendesk from Cursor (user scope): {CursorConfig}", removed.Out.Trim());
        Assert.Equal("../dotfiles/cursor-mcp.json", new FileInfo(CursorConfig).LinkTarget);
        Assert.False(JsonNode.Parse(File.ReadAllText(target))!["mcpServers"]!.AsObject().ContainsKey("opendesk"));
        Assert.Equal(["cursor-mcp.json"], Directory.GetFiles(dotfiles).Select(Path.GetFileName));
        Assert.Equal(["mcp.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(CursorConfig)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_configuration_with_comments_is_left_as_it_was_and_the_entry_to_add_by_hand_is_shown()
    {
        const string commented = """
            {
              // servers for this machine
              "mcpServers": { /* none yet */ }
            }
            """;
        WriteCursorConfig(commented);

        var installed = await Mcp("install", "cursor");

        Assert.Equal(1, installed.Exit);
        Assert.Equal(
            $$"""
            ERROR: {{CursorConfig}} contains comments, which rewriting it would drop; it was left as it is. Add opendesk under "mcpServers" by hand:
              "opendesk": {
                "command": "{{OpendeskCli.LauncherPath}}",
                "args": [
                  "mcp"
                ]
              }
            """,
            installed.Err.TrimEnd());
        Assert.Equal(commented, File.ReadAllText(CursorConfig));
    }

    [Fact]
    public async Task Uninstalling_from_a_configuration_with_comments_says_to_remove_the_entry_by_hand()
    {
        var commented = $$"""
            {
              "mcpServers": {
                // added by opendesk
                "opendesk": { "command": "{{OpendeskCli.LauncherPath}}", "args": ["mcp"] }
              }
            }
            """;
        WriteCursorConfig(commented);

        var removed = await Mcp("uninstall", "cursor");

        Assert.Equal(1, removed.Exit);
        Assert.Equal(
            $"ERROR: {CursorConfig} contains comments, which rewriting it would drop; it was left as it is. Remove the \"opendesk\" entry under \"mcpServers\" by hand.",
            removed.Err.Trim());
        Assert.Equal(commented, File.ReadAllText(CursorConfig));
    }

    [Fact]
    public async Task A_configuration_that_repeats_a_key_is_refused_naming_the_key_and_left_as_it_was()
    {
        const string repeated = """{"mcpServers":{},"mcpServers":{"files":{"command":"npx"}}}""";
        WriteCursorConfig(repeated);

        var installed = await Mcp("install", "cursor");

        Assert.Equal(1, installed.Exit);
        Assert.Equal(
            $"ERROR: {CursorConfig} repeats the key \"mcpServers\" in one object, so which one counts is unclear; keep one of them, the file was left as it is",
            installed.Err.Trim());
        Assert.Equal(repeated, File.ReadAllText(CursorConfig));
        Assert.Equal(["mcp.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(CursorConfig)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Reinstalling_for_claude_code_never_removes_the_working_entry_and_updates_it_in_place()
    {
        var config = Path.Combine(_userHome, ".claude.json");
        File.WriteAllText(config, """{ "numStartups": 5, "mcpServers": { "opendesk": { "type": "stdio", "command": "/old/opendesk", "args": ["mcp"] } } }""");
        FakeClaude(addExit: 1, addSays: "MCP server opendesk already exists in user config");

        var installed = await Mcp("install", "claude-code");

        Assert.True(installed.Exit == 0, installed.Err);
        Assert.Equal(
            $"`claude mcp add` did not add it (exit 1: MCP server opendesk already exists in user config); writing {config} instead.\n" +
            $"✓ Updated opendesk in Claude Code (user scope): {config}\n" +
            "  Restart Claude Code (or reload its MCP servers) to use it.",
            installed.Out.Trim());
        Assert.Equal([$"mcp add --scope user opendesk -- {OpendeskCli.LauncherPath} mcp"], ClaudeCalls());
        var root = JsonNode.Parse(File.ReadAllText(config))!;
        Assert.Equal(OpendeskCli.LauncherPath, root["mcpServers"]!["opendesk"]!["command"]!.GetValue<string>());
        Assert.Equal(5, root["numStartups"]!.GetValue<int>());
    }

    [Fact]
    public async Task Uninstalling_from_claude_code_says_what_claude_mcp_remove_did()
    {
        var config = Path.Combine(_userHome, ".claude.json");
        File.WriteAllText(config, """{ "mcpServers": {} }""");
        FakeClaude(removeExit: 1, removeSays: "No MCP server found with name: opendesk");

        var absent = await Mcp("uninstall", "claude-code");

        Assert.True(absent.Exit == 0, absent.Err);
        Assert.Equal(
            $"`claude mcp remove` did not remove it (exit 1: No MCP server found with name: opendesk); looking in {config} instead.\n" +
            $"opendesk was not in Claude Code (user scope): {config}",
            absent.Out.Trim());

        FakeClaude(removeExit: 0, removeSays: "Removed MCP server opendesk from user config");
        var removed = await Mcp("uninstall", "claude-code", "--scope", "project");

        Assert.True(removed.Exit == 0, removed.Err);
        Assert.Equal("✓ Removed opendesk from Claude Code (project scope) with `claude mcp remove`.", removed.Out.Trim());
        Assert.Equal(["mcp remove --scope user opendesk", "mcp remove --scope project opendesk"], ClaudeCalls());
        Assert.Equal("""{ "mcpServers": {} }""", File.ReadAllText(config));
    }

    public void Dispose() => _scope.Dispose();

    private void WriteCursorConfig(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CursorConfig)!);
        File.WriteAllText(CursorConfig, text);
    }

    private string ClaudeDirectory => Path.Combine(_userHome, "bin");

    private string ClaudeLog => Path.Combine(_userHome, "claude-calls.log");

    /// <summary>
    /// Runs <c>opendesk mcp</c> with this test's user home, where the clients' user-scope files live, and with
    /// <see cref="FakeClaude"/>'s directory first on PATH.
    /// </summary>
    private Task<(int Exit, string Out, string Err)> Mcp(params string[] args) =>
        OpendeskCli.RunAsync(
            new Dictionary<string, string>
            {
                ["HOME"] = _userHome,
                ["PATH"] = $"{ClaudeDirectory}:{Environment.GetEnvironmentVariable("PATH")}",
            },
            ["mcp", .. args]);

    /// <summary>A stand-in for Claude Code's <c>claude</c> command: it logs its arguments, says a line on stderr and exits as told.</summary>
    private void FakeClaude(int addExit = 0, string addSays = "", int removeExit = 0, string removeSays = "")
    {
        var script = Path.Combine(Directory.CreateDirectory(ClaudeDirectory).FullName, "claude");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            echo "$*" >> '{{ClaudeLog}}'
            case "$2" in
              add) echo '{{addSays}}' >&2; exit {{addExit}} ;;
              remove) echo '{{removeSays}}' >&2; exit {{removeExit}} ;;
            esac
            exit 64

            """);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string[] ClaudeCalls() => File.Exists(ClaudeLog) ? File.ReadAllLines(ClaudeLog) : [];
}
