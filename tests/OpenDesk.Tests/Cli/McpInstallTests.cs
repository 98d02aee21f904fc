using System.Text.Json.Nodes;
using OpenDesk.Cli.Commands;
using OpenDesk.Cli.Mcp;

namespace OpenDesk.Tests.Cli;

/// <summary>mcp install / uninstall: the entry each client gets, repeatable, keeping everything else in the file, never replacing a file it cannot read.</summary>
public sealed class McpInstallTests : IDisposable
{
    private static readonly string[] Program = ["/opt/od/opendesk"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"od-mcp-{Guid.NewGuid().ToString("N")[..8]}");
    private readonly List<string> _commands = [];
    private readonly StringWriter _output = new();

    public McpInstallTests()
    {
        Directory.CreateDirectory(UserHome);
        Directory.CreateDirectory(Project);
    }

    private string UserHome => Path.Combine(_directory, "home");

    private string Project => Path.Combine(_directory, "project");

    private McpConfigPlaces Places => new(UserHome, Project);

    [Fact]
    public void Claude_code_gets_a_stdio_entry_in_its_user_file_that_starts_opendesk_mcp_with_the_home()
    {
        Assert.Equal(0, Install(McpClient.ClaudeCode, "user", home: "/srv/desk-home"));

        var entry = Read(Path.Combine(UserHome, ".claude.json"))["mcpServers"]!["opendesk"]!;
        Assert.Equal("stdio", entry["type"]!.GetValue<string>());
        Assert.Equal("/opt/od/opendesk", entry["command"]!.GetValue<string>());
        Assert.Equal(["mcp", "--home", "/srv/desk-home"], entry["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("Added opendesk to Claude Code (user scope)", _output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_entries_name_no_transport_and_the_dotnet_host_keeps_its_assembly_argument()
    {
        Assert.Equal(0, McpCommand.Run(McpClient.Cursor, "project", install: true, Places, ["/usr/bin/dotnet", "/opt/od/OpenDesk.Cli.dll"], null, Run, claude: null, _output));

        var entry = Read(Path.Combine(Project, ".cursor", "mcp.json"))["mcpServers"]!["opendesk"]!.AsObject();
        Assert.False(entry.ContainsKey("type"));
        Assert.Equal("/usr/bin/dotnet", entry["command"]!.GetValue<string>());
        Assert.Equal(["/opt/od/OpenDesk.Cli.dll", "mcp"], entry["args"]!.AsArray().Select(a => a!.GetValue<string>()));
    }

    [Fact]
    public void Installing_twice_changes_nothing_and_every_other_server_and_key_is_kept()
    {
        var path = Path.Combine(Project, ".mcp.json");
        const string original = """
            {
              "mcpServers": {
                "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": { "TOKEN": "x✓" } }
              },
              "theme": "dark",
              "numbers": [1, 2.5, true, null]
            }
            """;
        File.WriteAllText(path, original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        Assert.Equal(0, Install(McpClient.ClaudeCode, "project"));
        var first = File.ReadAllText(path);
        Assert.Equal(0, Install(McpClient.ClaudeCode, "project"));

        Assert.Equal(first, File.ReadAllText(path));
        Assert.Contains("already in Claude Code", _output.ToString(), StringComparison.Ordinal);
        var root = Read(path);
        var before = JsonNode.Parse(original)!.AsObject();
        Assert.True(JsonNode.DeepEquals(before["mcpServers"]!["files"], root["mcpServers"]!["files"]));
        Assert.True(JsonNode.DeepEquals(before["theme"], root["theme"]));
        Assert.True(JsonNode.DeepEquals(before["numbers"], root["numbers"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.Empty(Directory.GetFiles(Project, "*.tmp"));
    }

    [Fact]
    public void A_changed_command_updates_the_entry_in_place()
    {
        Assert.Equal(0, Install(McpClient.Cursor, "user"));
        Assert.Equal(0, McpCommand.Run(McpClient.Cursor, "user", install: true, Places, ["/usr/local/bin/opendesk"], null, Run, claude: null, _output));

        Assert.Contains("Updated opendesk in Cursor", _output.ToString(), StringComparison.Ordinal);
        Assert.Equal("/usr/local/bin/opendesk", Read(Path.Combine(UserHome, ".cursor", "mcp.json"))["mcpServers"]!["opendesk"]!["command"]!.GetValue<string>());
    }

    [Fact]
    public void Uninstall_removes_only_opendesk_and_a_second_uninstall_finds_nothing()
    {
        var path = Path.Combine(UserHome, ".cursor", "mcp.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, """{ "mcpServers": { "other": { "command": "other-server" } } }""");
        Assert.Equal(0, Install(McpClient.Cursor, "user"));

        Assert.Equal(0, McpCommand.Run(McpClient.Cursor, "user", install: false, Places, Program, null, Run, claude: null, _output));
        var servers = Read(path)["mcpServers"]!.AsObject();
        Assert.False(servers.ContainsKey("opendesk"));
        Assert.Equal("other-server", servers["other"]!["command"]!.GetValue<string>());

        Assert.Equal(0, McpCommand.Run(McpClient.Cursor, "user", install: false, Places, Program, null, Run, claude: null, _output));
        Assert.Contains("opendesk was not in Cursor", _output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"mcpServers\": { \"other\": ")]
    [InlineData("[1, 2]")]
    [InlineData("{ \"mcpServers\": [\"not\", \"an\", \"object\"] }")]
    public void A_file_it_cannot_read_as_a_configuration_is_left_exactly_as_it_was(string content)
    {
        var path = Path.Combine(UserHome, ".claude.json");
        File.WriteAllText(path, content);

        Assert.Equal(1, Install(McpClient.ClaudeCode, "user"));
        Assert.Equal(1, McpCommand.Run(McpClient.ClaudeCode, "user", install: false, Places, Program, null, Run, claude: null, _output));

        Assert.Equal(content, File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(UserHome, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Claude_desktop_has_no_project_scope()
    {
        Assert.Equal(1, Install(McpClient.ClaudeDesktop, "project"));
        Assert.Empty(Directory.GetFiles(_directory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void With_the_claude_command_on_path_claude_code_is_configured_through_it_and_nothing_is_removed_first()
    {
        Assert.Equal(0, McpCommand.Run(McpClient.ClaudeCode, "project", install: true, Places, Program, "/srv/h", Run, claude: "/usr/bin/claude", _output));

        Assert.Equal(["/usr/bin/claude mcp add --scope project opendesk -- /opt/od/opendesk mcp --home /srv/h"], _commands);
        Assert.False(File.Exists(Path.Combine(Project, ".mcp.json")));

        Assert.Equal(0, McpCommand.Run(McpClient.ClaudeCode, "project", install: false, Places, Program, null, Run, claude: "/usr/bin/claude", _output));
        Assert.Equal("/usr/bin/claude mcp remove --scope project opendesk", _commands[^1]);
    }

    [Fact]
    public void When_claude_mcp_add_fails_the_file_is_written_instead()
    {
        Assert.Equal(0, McpCommand.Run(McpClient.ClaudeCode, "user", install: true, Places, Program, null, (program, args) =>
        {
            Run(program, args);
            return args[1] == "add" ? new ProgramOutcome(1, "MCP server opendesk already exists in user config\n") : new ProgramOutcome(0, "");
        }, claude: "/usr/bin/claude", _output));

        var path = Path.Combine(UserHome, ".claude.json");
        Assert.Equal(
            $"`claude mcp add` did not add it (exit 1: MCP server opendesk already exists in user config); writing {path} instead.\n" +
            $"✓ Added opendesk to Claude Code (user scope): {path}\n",
            string.Join('\n', _output.ToString().Split('\n').Take(2)) + "\n");
        Assert.Equal(["/usr/bin/claude mcp add --scope user opendesk -- /opt/od/opendesk mcp"], _commands);
        Assert.Equal("/opt/od/opendesk", Read(path)["mcpServers"]!["opendesk"]!["command"]!.GetValue<string>());
    }

    [Fact]
    public void A_file_another_program_rewrote_meanwhile_is_edited_again_on_what_that_program_wrote()
    {
        var path = Path.Combine(UserHome, ".claude.json");
        File.WriteAllText(path, """{ "numStartups": 1, "mcpServers": {} }""");
        var rewrites = 0;

        var change = McpClientConfig.Install(path, McpClientConfig.Entry(McpClient.ClaudeCode, Program, null), () =>
        {
            if (rewrites++ == 0)
            {
                File.WriteAllText(path, """{ "numStartups": 2, "mcpServers": { "files": { "command": "npx" } } }""");
            }
        });

        Assert.Equal(McpClientConfig.Change.Added, change);
        Assert.Equal(2, rewrites);
        var root = Read(path);
        Assert.Equal(2, root["numStartups"]!.GetValue<int>());
        Assert.Equal("npx", root["mcpServers"]!["files"]!["command"]!.GetValue<string>());
        Assert.Equal("/opt/od/opendesk", root["mcpServers"]!["opendesk"]!["command"]!.GetValue<string>());
        Assert.Single(Directory.GetFiles(UserHome));
    }

    [Fact]
    public void A_file_that_keeps_changing_is_left_as_the_other_program_wrote_it()
    {
        var path = Path.Combine(UserHome, ".claude.json");
        File.WriteAllText(path, """{ "numStartups": 0 }""");
        var rewrites = 0;

        var refused = Assert.Throws<OpenDeskException>(() => McpClientConfig.Install(path, McpClientConfig.Entry(McpClient.ClaudeCode, Program, null), () =>
            File.WriteAllText(path, $$"""{ "numStartups": {{++rewrites}} }""")));

        Assert.Equal(
            $"{path} kept changing while opendesk edited it (3 tries): another program is rewriting it. It holds what that program wrote; quit that program (e.g. Claude Code) and run this again.",
            refused.Message);
        Assert.Equal("""{ "numStartups": 3 }""", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(UserHome));
    }

    [Fact]
    public void A_file_another_program_removed_meanwhile_is_not_brought_back_from_the_old_copy()
    {
        var path = Path.Combine(UserHome, ".claude.json");
        File.WriteAllText(path, """{ "secret": "old" }""");
        var rewrites = 0;

        McpClientConfig.Install(path, McpClientConfig.Entry(McpClient.ClaudeCode, Program, null), () =>
        {
            if (rewrites++ == 0)
            {
                File.Delete(path);
            }
        });

        Assert.False(Read(path).ContainsKey("secret"));
        Assert.Equal("/opt/od/opendesk", Read(path)["mcpServers"]!["opendesk"]!["command"]!.GetValue<string>());
    }

    public void Dispose()
    {
        _output.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private int Install(McpClient client, string scope, string? home = null) =>
        McpCommand.Run(client, scope, install: true, Places, Program, home, Run, claude: null, _output);

    private ProgramOutcome Run(string program, IReadOnlyList<string> arguments)
    {
        _commands.Add(string.Join(' ', [program, .. arguments]));
        return new ProgramOutcome(0, "");
    }

    private static JsonObject Read(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();
}
