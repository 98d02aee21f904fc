using System.Text;
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
/// other key and server as it was. A file that is not valid JSON, repeats a key, or holds comments (which a rewrite
/// would drop) is reported and never replaced. The new file is written beside the old one (beside a symbolic link's
/// final target, so the link stays a link) and renamed over it, with the old file's mode, unless another program
/// changed the file meanwhile: then the edit is made again on what that program wrote.
/// </summary>
internal static class McpClientConfig
{
    public const string ServerKey = "opendesk";

    /// <summary>How often an edit is tried when another program keeps changing the file underneath it.</summary>
    private const int Attempts = 3;

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

    /// <param name="beforeReplace">Runs once the new file is written, just before it is checked and renamed into place.</param>
    /// <exception cref="OpenDeskException">The file cannot be read as a JSON object or written.</exception>
    public static Change Install(string path, JsonObject entry, Action? beforeReplace = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var read = Read(path);
            var root = read.Root ?? [];
            var servers = Servers(root, path, create: true)!;
            var existing = servers[ServerKey];
            if (existing is not null && JsonNode.DeepEquals(existing, entry))
            {
                return Change.Unchanged;
            }

            if (read.HasComments)
            {
                throw new OpenDeskException(
                    $"{path} contains comments, which rewriting it would drop; it was left as it is. Add opendesk under \"mcpServers\" by hand:\n{EntryText(entry)}");
            }

            servers[ServerKey] = entry.DeepClone();
            if (TryReplace(path, read, root, beforeReplace))
            {
                return existing is null ? Change.Added : Change.Updated;
            }

            if (attempt == Attempts)
            {
                throw ChangingUnderneath(path);
            }
        }
    }

    /// <param name="beforeReplace">Runs once the new file is written, just before it is checked and renamed into place.</param>
    /// <exception cref="OpenDeskException">The file cannot be read as a JSON object or written.</exception>
    public static Change Uninstall(string path, Action? beforeReplace = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var read = Read(path);
            if (read.Root is not { } root || Servers(root, path, create: false) is not { } servers || !servers.ContainsKey(ServerKey))
            {
                return Change.Absent;
            }

            if (read.HasComments)
            {
                throw new OpenDeskException(
                    $"{path} contains comments, which rewriting it would drop; it was left as it is. Remove the \"{ServerKey}\" entry under \"mcpServers\" by hand.");
            }

            servers.Remove(ServerKey);
            if (TryReplace(path, read, root, beforeReplace))
            {
                return Change.Removed;
            }

            if (attempt == Attempts)
            {
                throw ChangingUnderneath(path);
            }
        }
    }

    /// <summary>The entry as a user would paste it into <c>mcpServers</c>.</summary>
    private static string EntryText(JsonObject entry) =>
        $"  \"{ServerKey}\": {Serialize(entry).Replace("\n", "\n  ", StringComparison.Ordinal)}";

    private static OpenDeskException ChangingUnderneath(string path) =>
        new($"{path} kept changing while opendesk edited it ({Attempts} tries): another program is rewriting it. It holds what that program wrote; quit that program (e.g. Claude Code) and run this again.");

    /// <summary>What was read: the object (null for a missing or blank file) and the bytes it came from, to tell later whether the file changed.</summary>
    private sealed record Snapshot(string Target, JsonObject? Root, byte[]? Content, bool HasComments);

    private static Snapshot Read(string path)
    {
        string target;
        byte[] content;
        try
        {
            target = FinalTarget(path);
            content = File.ReadAllBytes(target);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new Snapshot(FinalTargetOrSelf(path), null, null, HasComments: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenDeskException($"cannot read {path}: {ex.Message}");
        }

        var text = Encoding.UTF8.GetString(content).TrimStart('\uFEFF');
        if (text.Trim().Length == 0)
        {
            return new Snapshot(target, null, content, HasComments: false);
        }

        try
        {
            var hasComments = Scan(Encoding.UTF8.GetBytes(text), path);
            var root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new OpenDeskException($"{path} does not hold a JSON object; it was left as it is");
            return new Snapshot(target, root, content, hasComments);
        }
        catch (JsonException ex)
        {
            throw new OpenDeskException($"{path} is not valid JSON ({ex.Message}); fix it or move it away, it was left as it is");
        }
    }

    /// <summary>
    /// Whether the JSON holds comments. A key repeated in one object is refused here: parsing would fail on it,
    /// and which of the two the client reads is unknown.
    /// </summary>
    /// <exception cref="JsonException">The text is not valid JSON.</exception>
    private static bool Scan(byte[] utf8, string path)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Allow, AllowTrailingCommas = true });
        var keys = new Stack<HashSet<string>?>();
        var hasComments = false;
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Comment:
                    hasComments = true;
                    break;
                case JsonTokenType.StartObject:
                    keys.Push(new HashSet<string>(StringComparer.Ordinal));
                    break;
                case JsonTokenType.StartArray:
                    keys.Push(null);
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    keys.Pop();
                    break;
                case JsonTokenType.PropertyName:
                    var key = reader.GetString()!;
                    if (keys.Peek() is { } seen && !seen.Add(key))
                    {
                        throw new OpenDeskException($"{path} repeats the key \"{key}\" in one object, so which one counts is unclear; keep one of them, the file was left as it is");
                    }

                    break;
            }
        }

        return hasComments;
    }

    /// <summary>The file a symbolic link finally points to (the path itself when it is no link).</summary>
    private static string FinalTarget(string path)
    {
        var file = new FileInfo(path);
        return file.LinkTarget is null ? file.FullName : file.ResolveLinkTarget(returnFinalTarget: true)!.FullName;
    }

    private static string FinalTargetOrSelf(string path)
    {
        try
        {
            return FinalTarget(path);
        }
        catch (IOException)
        {
            return Path.GetFullPath(path);
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

    private static string Serialize(JsonNode node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            node.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="root"/> in place of the file read as <paramref name="read"/>; false, changing nothing, when the file no longer holds what was read.</summary>
    private static bool TryReplace(string path, Snapshot read, JsonObject root, Action? beforeReplace)
    {
        var target = read.Target;
        var directory = Path.GetDirectoryName(target)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The client's file may hold its tokens: the new file starts with the old one's mode, or owner-only.
                options.UnixCreateMode = File.Exists(target) ? File.GetUnixFileMode(target) : UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(Serialize(root)));
                stream.Write("\n"u8);
                stream.Flush(flushToDisk: true);
            }

            beforeReplace?.Invoke();

            // Clients such as Claude Code rewrite their file while running: an edit of an older copy would undo theirs.
            if (!Unchanged(target, read.Content))
            {
                File.Delete(temp);
                return false;
            }

            File.Move(temp, target, overwrite: true);
            return true;
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

    private static bool Unchanged(string target, byte[]? content)
    {
        try
        {
            var now = File.ReadAllBytes(target);
            return content is not null && now.AsSpan().SequenceEqual(content);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return content is null;
        }
    }
}
