using System.Text;

namespace OpenDesk.Linux.Apps;

/// <summary>
/// Turns a desktop entry's <c>Exec</c> value into an argument vector, per the Desktop Entry Specification's
/// "The Exec key": string escapes first, then double-quote rules, then field codes. apps.open passes no files
/// or URLs, so <c>%f %F %u %U</c> (and the deprecated <c>%d %D %n %N %v %m</c>) expand to nothing; an argument
/// that was only such a code disappears instead of becoming an empty string.
/// </summary>
internal static class ExecLine
{
    public static IReadOnlyList<string> Parse(DesktopEntry entry)
    {
        var exec = entry.Exec ?? throw new OpenDeskException($"desktop entry '{entry.FilePath}' has no Exec key, so it cannot be launched");
        var argv = new List<string>();
        foreach (var token in Tokenize(DesktopEntry.Unescape(exec), entry.FilePath))
        {
            switch (token)
            {
                case "%f" or "%F" or "%u" or "%U" or "%d" or "%D" or "%n" or "%N" or "%v" or "%m":
                    continue;
                case "%i":
                    if (!string.IsNullOrEmpty(entry.Icon))
                    {
                        argv.Add("--icon");
                        argv.Add(entry.Icon);
                    }

                    continue;
                default:
                    argv.Add(ExpandInline(token, entry));
                    continue;
            }
        }

        if (argv.Count == 0)
        {
            throw new OpenDeskException($"desktop entry '{entry.FilePath}' has an empty Exec key, so it cannot be launched");
        }

        return argv;
    }

    private static List<string> Tokenize(string exec, string filePath)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        var quoted = false;
        for (var i = 0; i < exec.Length; i++)
        {
            var c = exec[i];
            if (quoted)
            {
                if (c == '"')
                {
                    quoted = false;
                }
                else if (c == '\\' && i + 1 < exec.Length && exec[i + 1] is '"' or '`' or '$' or '\\')
                {
                    current.Append(exec[++i]);
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is ' ' or '\t' or '\n')
            {
                if (inToken)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                inToken = true;
                if (c == '"')
                {
                    quoted = true;
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        if (quoted)
        {
            throw new OpenDeskException($"desktop entry '{filePath}' has an unterminated quote in its Exec key");
        }

        if (inToken)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }

    /// <summary>Field codes embedded in a longer argument (<c>--name=%c</c>); unknown codes are dropped as the spec asks.</summary>
    private static string ExpandInline(string token, DesktopEntry entry)
    {
        if (!token.Contains('%', StringComparison.Ordinal))
        {
            return token;
        }

        var result = new StringBuilder(token.Length);
        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] != '%' || i + 1 == token.Length)
            {
                result.Append(token[i]);
                continue;
            }

            switch (token[++i])
            {
                case '%': result.Append('%'); break;
                case 'c': result.Append(entry.Name); break;
                case 'k': result.Append(entry.FilePath); break;
                default: break;
            }
        }

        return result.ToString();
    }
}
