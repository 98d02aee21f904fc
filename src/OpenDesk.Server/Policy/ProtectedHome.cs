using OpenDesk.Protocol;

namespace OpenDesk.Server.Policy;

/// <summary>
/// The opendesk home holds this desk's private key (<c>identity.key</c>: whoever reads it can impersonate the
/// desk to every controller that trusts it), its trust store and its admin socket. An <c>fs.*</c> call whose path
/// resolves into the home, or that would delete or move the home itself, is therefore never auto-approved as an
/// observation, and its summary says why.
/// </summary>
/// <remarks>
/// Paths are resolved the way the kernel resolves them when the backend runs the call, so no spelling gets around
/// the check: <c>~</c> and relative paths are expanded as the backend would, and every symbolic link on the way is
/// followed component by component before the <c>..</c> after it is applied, including the <c>/proc</c> links
/// (<c>/proc/self/root</c>, <c>/proc/self/cwd</c>, <c>/proc/self/fd/N</c>) whose targets the kernel reports as
/// paths. What does not exist yet is taken literally. A hard link to a secret made outside the home, and a link
/// swapped in between this check and the call, are not caught: making either takes an action the policy gates.
/// </remarks>
internal sealed class ProtectedHome
{
    /// <summary>Why a call touching the home matters, in words that follow a mention of the home.</summary>
    public const string Contents = "which holds this desk's private key and trust store";

    /// <summary>The kernel gives up after 40 links in one lookup (ELOOP); so does this.</summary>
    private const int MaxLinks = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly string _home;

    /// <param name="homePath">The serving home directory, e.g. <c>~/.opendesk</c>.</param>
    public ProtectedHome(string homePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(homePath);
        _home = homePath;
    }

    private enum Relation
    {
        None,
        Home,
        Inside,
        Contains,
    }

    /// <summary>
    /// Why <paramref name="method"/> with <paramref name="parameters"/> touches the home, as a clause to put in
    /// parentheses after the call's summary (e.g. <c>inside the opendesk home, which holds …</c>), or null when it
    /// does not. Listing or examining a directory above the home does not touch it; deleting or moving one does.
    /// </summary>
    public string? Concern(string method, MsgMap parameters)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(parameters);
        var home = Resolve(_home, followFinal: true);
        switch (method)
        {
            case "fs.read" or "fs.stat" or "fs.list" or "fs.write" or "fs.mkdir":
            {
                // read, stat, list and write follow a final symlink; mkdir of an existing link is harmless either way.
                return PathParameter(parameters, "path") is { } path && Locate(path, home, followFinal: true, mayContain: false) is var (relation, resolved) && relation != Relation.None
                    ? Clause(null, path, resolved, relation) + ", " + Contents
                    : null;
            }

            case "fs.delete":
            {
                // A delete removes a symlink itself, never its target, and a directory with everything below it.
                return PathParameter(parameters, "path") is { } path && Locate(path, home, followFinal: false, mayContain: true) is var (relation, resolved) && relation != Relation.None
                    ? Clause(null, path, resolved, relation) + ", " + Contents
                    : null;
            }

            case "fs.move":
            {
                var clauses = new List<string>(2);
                var source = PathParameter(parameters, "src");
                if (source is not null && Locate(source, home, followFinal: false, mayContain: true) is var (from, resolvedFrom) && from != Relation.None)
                {
                    clauses.Add(Clause("the source", source, resolvedFrom, from));
                }

                if (PathParameter(parameters, "dst") is { } destination && Destination(destination, source, home) is var (to, resolvedTo) && to != Relation.None)
                {
                    clauses.Add(Clause("the destination", destination, resolvedTo, to));
                }

                return clauses.Count == 0 ? null : string.Join(" and ", clauses) + ", " + Contents;
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// The absolute path the kernel would reach through <paramref name="path"/>: every symbolic link resolved
    /// (the last component's only when <paramref name="followFinal"/>), <c>.</c> and <c>..</c> applied where the
    /// kernel applies them. Components that do not exist are kept as written.
    /// </summary>
    internal static string Resolve(string path, bool followFinal)
    {
        path = Expand(path);
        if (OperatingSystem.IsWindows())
        {
            return System.IO.Path.GetFullPath(path);
        }

        var pending = new LinkedList<string>(Components(path));
        var current = "/";
        var links = 0;
        while (pending.First is { } first)
        {
            var component = first.Value;
            pending.RemoveFirst();
            if (component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                // current has no links left in it, so its lexical parent is the real one.
                current = System.IO.Path.GetDirectoryName(current) ?? "/";
                continue;
            }

            var next = current == "/" ? "/" + component : current + "/" + component;
            if ((pending.Count > 0 || followFinal) && LinkTarget(next) is { } target)
            {
                if (++links > MaxLinks)
                {
                    // The kernel refuses this lookup (ELOOP), so the call cannot reach anything through it.
                    return next;
                }

                if (target.StartsWith('/'))
                {
                    current = "/";
                }

                foreach (var part in Components(target).Reverse())
                {
                    pending.AddFirst(part);
                }

                continue;
            }

            current = next;
        }

        return current;
    }

    private (Relation Relation, string Resolved) Locate(string path, string home, bool followFinal, bool mayContain)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            // The backend refuses these before touching anything.
            return (Relation.None, path);
        }

        string resolved;
        try
        {
            resolved = Resolve(path, followFinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a relative path needs the working directory, and one that is gone leaves it naming nothing.
            return (Relation.None, path);
        }

        return (RelationOf(resolved, home, mayContain), resolved);
    }

    /// <summary>
    /// Where a move lands: an existing directory (reached through links) receives the source under its own
    /// name, as with <c>mv</c>; anything else is replaced itself.
    /// </summary>
    private (Relation Relation, string Resolved) Destination(string destination, string? source, string home)
    {
        var itself = Locate(destination, home, followFinal: false, mayContain: false);
        if (itself.Relation != Relation.None)
        {
            return itself;
        }

        var through = Locate(destination, home, followFinal: true, mayContain: false);
        if (through.Relation != Relation.None)
        {
            return through;
        }

        if (source is not null && source.Length > 0 && Directory.Exists(through.Resolved))
        {
            var name = System.IO.Path.GetFileName(Expand(source).TrimEnd('/'));
            if (name.Length > 0)
            {
                return Locate(System.IO.Path.Join(through.Resolved, name), home, followFinal: false, mayContain: false);
            }
        }

        return (Relation.None, through.Resolved);
    }

    private static Relation RelationOf(string resolved, string home, bool mayContain)
    {
        if (string.Equals(resolved, home, PathComparison))
        {
            return Relation.Home;
        }

        if (IsBelow(resolved, home))
        {
            return Relation.Inside;
        }

        return mayContain && IsBelow(home, resolved) ? Relation.Contains : Relation.None;
    }

    private static bool IsBelow(string path, string directory)
    {
        var separator = System.IO.Path.DirectorySeparatorChar;
        var prefix = directory.EndsWith(separator) ? directory : directory + separator;
        return path.Length > prefix.Length && path.StartsWith(prefix, PathComparison);
    }

    /// <summary>E.g. <c>inside the opendesk home</c>, <c>the destination resolves to /x, the opendesk home</c>.</summary>
    private static string Clause(string? subject, string given, string resolved, Relation relation)
    {
        var where = relation switch
        {
            Relation.Home => "the opendesk home",
            Relation.Inside => "inside the opendesk home",
            _ => "contains the opendesk home",
        };
        var shownAsGiven = string.Equals(given.TrimEnd('/'), resolved, PathComparison) || (given == "/" && resolved == "/");
        if (!shownAsGiven)
        {
            var link = relation == Relation.Contains ? "which " : "";
            return $"{(subject is null ? "" : subject + " ")}resolves to {resolved}, {link}{where}";
        }

        if (subject is null)
        {
            return where;
        }

        return relation switch
        {
            Relation.Home => $"{subject} is the opendesk home",
            Relation.Inside => $"{subject} is inside the opendesk home",
            _ => $"{subject} contains the opendesk home",
        };
    }

    private static string? PathParameter(MsgMap parameters, string key) => parameters.TryGetValue(key, out var value) ? value as string : null;

    /// <summary>
    /// <c>~</c> as the backend expands it (the server user's <c>HOME</c>); a relative path against this
    /// process's working directory, where the OS would look for it.
    /// </summary>
    private static string Expand(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            var userHome = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            path = userHome.TrimEnd('/') + path[1..];
        }

        return System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Join(Environment.CurrentDirectory, path);
    }

    private static IEnumerable<string> Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The link's target as stored (readlink), or null when <paramref name="path"/> is no link or cannot be read.</summary>
    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // The server cannot look there, and neither can the backend acting as the same user.
            return null;
        }
    }
}
