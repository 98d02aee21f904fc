using System.Text;

namespace OpenDesk.Linux.Apps;

/// <summary>
/// The <c>[Desktop Entry]</c> group of a <c>.desktop</c> file (freedesktop Desktop Entry Specification). Only
/// the keys needed to list and launch applications are kept; localised variants (<c>Name[de]</c>) are ignored,
/// since the wire carries ids and the unlocalised name.
/// </summary>
internal sealed record DesktopEntry(string Id, string FilePath)
{
    public string Type { get; init; } = "";

    public string Name { get; init; } = "";

    public string? Exec { get; init; }

    public string? TryExec { get; init; }

    public string? Icon { get; init; }

    /// <summary>The <c>Path</c> key: the working directory to launch in.</summary>
    public string? WorkingDirectory { get; init; }

    public bool Terminal { get; init; }

    public bool NoDisplay { get; init; }

    public bool Hidden { get; init; }

    /// <summary>Parses <paramref name="filePath"/>; null when it has no <c>[Desktop Entry]</c> group or cannot be read.</summary>
    public static DesktopEntry? Load(string id, string filePath)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(filePath, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var inMainGroup = false;
        var sawMainGroup = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                inMainGroup = line == "[Desktop Entry]";
                sawMainGroup |= inMainGroup;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (!inMainGroup || equals <= 0)
            {
                continue;
            }

            // The spec says a key appears once per group; keep the first if a file repeats one.
            values.TryAdd(line[..equals].TrimEnd(), line[(equals + 1)..].TrimStart());
        }

        if (!sawMainGroup)
        {
            return null;
        }

        return new DesktopEntry(id, filePath)
        {
            Type = values.GetValueOrDefault("Type", ""),
            Name = Unescape(values.GetValueOrDefault("Name", "")),
            Exec = values.GetValueOrDefault("Exec"),
            TryExec = values.TryGetValue("TryExec", out var tryExec) ? Unescape(tryExec) : null,
            Icon = values.TryGetValue("Icon", out var icon) ? Unescape(icon) : null,
            WorkingDirectory = values.TryGetValue("Path", out var path) && path.Length > 0 ? Unescape(path) : null,
            Terminal = IsTrue(values, "Terminal"),
            NoDisplay = IsTrue(values, "NoDisplay"),
            Hidden = IsTrue(values, "Hidden"),
        };
    }

    /// <summary>The escapes of a <c>string</c> value: <c>\s \n \t \r \\</c>.</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length)
            {
                result.Append(value[i]);
                continue;
            }

            i++;
            switch (value[i])
            {
                case 's': result.Append(' '); break;
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case '\\': result.Append('\\'); break;

                // Not a string-level escape: keep it for the Exec quoting rules (\" \` \$) to interpret.
                default: result.Append('\\').Append(value[i]); break;
            }
        }

        return result.ToString();
    }

    private static bool IsTrue(Dictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && value.Equals("true", StringComparison.OrdinalIgnoreCase);
}
