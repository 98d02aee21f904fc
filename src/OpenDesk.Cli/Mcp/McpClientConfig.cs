using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenDesk.Cli.Mcp;

/// <summary>An MCP client whose configuration <c>opendesk mcp install</c> writes.</summary>
/// <param name="Id">The name on the command line.</param>
/// <param name="Name">What the client is called.</param>
/// <param name="TypeField">Whether its entries name their transport (<c>"type": "stdio"</c>).</param>
internal sealed record McpClient(string Id, string Name, bool TypeField)
{
    public static readonly McpClient ClaudeCode = new("claude-code", "Claude Code", TypeField: true);
    public static readonly McpClient ClaudeDesktop = new("claude-desktop", "Claude Desktop", TypeField: false);
    public static readonly McpClient Cursor = new("cursor", "Cursor", TypeField: false);

    public static readonly IReadOnlyList<McpClient> All = [ClaudeCode, ClaudeDesktop, Cursor];

    /// <summary>The configuration file for <paramref name="scope"/>, or null when the client has no such scope.</summary>
    public string? ConfigPath(string scope, string userHome, string workingDirectory)
    {
        if (this == ClaudeCode)
        {
            return scope == "project" ? Path.Combine(workingDirectory, ".mcp.json") : Path.Combine(userHome, ".claude.json");
        }

        if (this == Cursor)
        {
            return scope == "project" ? Path.Combine(workingDirectory, ".cursor", "mcp.json") : Path.Combine(userHome, ".cursor", "mcp.json");
        }

        if (scope == "project")
        {
            return null;
        }

        return OperatingSystem.IsMacOS() ? Path.Combine(userHome, "Library", "Application Support", "Claude", "claude_desktop_config.json")
            : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "Claude", "claude_desktop_config.json")
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } config ? config : Path.Combine(userHome, ".config"), "Claude", "claude_desktop_config.json");
    }
}

/// <summary>
/// Adds or removes the <c>opendesk</c> entry under <c>mcpServers</c> of a client's JSON configuration, keeping every
/// other key and server as it was. A file that is not valid JSON is reported and never replaced; the new file is
/// written beside the old one and renamed over it, with the old file's mode.
/// </summary>
internal static class McpClientConfig
{
    public const string ServerKey = "opendesk";

    public enum Change
    {
        Added,
        Updated,
        Unchanged,
        Removed,
        Absent,
    }

    /// <summary>The entry for <paramref name="client"/>: how it starts <c>opendesk mcp</c>.</summary>
    public static JsonObject Entry(McpClient client, IReadOnlyList<string> program, string? home)
    {
        var args = new JsonArray();
        foreach (var arg in program.Skip(1).Concat(["mcp"]).Concat(home is null ? [] : ["--home", home]))
        {
            args.Add((JsonNode?)JsonValue.Create(arg));
        }

        var entry = new JsonObject();
        if (client.TypeField)
        {
            entry["type"] = "stdio";
        }

        entry["command"] = program[0];
        entry["args"] = args;
        return entry;
    }

    /// <exception cref="OpenDeskException">The file cannot be read as a JSON object or written.</exception>
    public static Change Install(string path, JsonObject entry)
    {
        var root = Read(path) ?? [];
        var servers = Servers(root, path, create: true)!;
        var existing = servers[ServerKey];
        if (existing is not null && JsonNode.DeepEquals(existing, entry))
        {
            return Change.Unchanged;
        }

        servers[ServerKey] = entry;
        Write(path, root);
        return existing is null ? Change.Added : Change.Updated;
    }

    /// <exception cref="OpenDeskException">The file cannot be read as a JSON object or written.</exception>
    public static Change Uninstall(string path)
    {
        if (Read(path) is not { } root || Servers(root, path, create: false) is not { } servers || !servers.ContainsKey(ServerKey))
        {
            return Change.Absent;
        }

        servers.Remove(ServerKey);
        Write(path, root);
        return Change.Removed;
    }

    private static JsonObject? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenDeskException($"cannot read {path}: {ex.Message}");
        }

        if (text.Trim().Length == 0)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new OpenDeskException($"{path} does not hold a JSON object; it was left as it is");
        }
        catch (JsonException ex)
        {
            throw new OpenDeskException($"{path} is not valid JSON ({ex.Message}); fix it or move it away, it was left as it is");
        }
    }

    private static JsonObject? Servers(JsonObject root, string path, bool create)
    {
        switch (root["mcpServers"])
        {
            case JsonObject servers:
                return servers;
            case null when create:
                var created = new JsonObject();
                root["mcpServers"] = created;
                return created;
            case null:
                return null;
            default:
                throw new OpenDeskException($"\"mcpServers\" in {path} is not a JSON object; it was left as it is");
        }
    }

    private static void Write(string path, JsonObject root)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                root.WriteTo(writer);
            }
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The client's file may hold its tokens: the new file starts with the old one's mode, or owner-only.
                options.UnixCreateMode = File.Exists(path) ? File.GetUnixFileMode(path) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(buffer.WrittenSpan);
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw new OpenDeskException($"cannot write {path}: {ex.Message}");
        }
    }
}
