namespace OpenDesk.Linux.Processes;

/// <summary>
/// Finds the file to execute for an <c>argv[0]</c>, like <c>execvpe</c> but with the child's <c>PATH</c> (the merged
/// environment), as Python's subprocess does. Resolving up front turns a missing program into a precise
/// <c>not_found</c> instead of an exit code from a half-started child.
/// </summary>
internal static class ProgramPath
{
    /// <summary>glibc's default search path when <c>PATH</c> is unset.</summary>
    private const string DefaultSearchPath = "/bin:/usr/bin";

    /// <summary>
    /// The path to execute. A name containing '/' is used as given (relative to <paramref name="cwd"/>); a bare
    /// name is searched on <paramref name="searchPath"/>. Throws <c>not_found</c> when nothing matches, or
    /// <c>internal</c> "Permission denied" when only non-executable files match.
    /// </summary>
    public static string Resolve(string name, string? searchPath, string? cwd)
    {
        if (name.Length == 0)
        {
            throw new ArgumentException("the program name (argv[0]) is empty");
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            var path = cwd is not null && !Path.IsPathRooted(name) ? Path.Combine(cwd, name) : name;
            if (Directory.Exists(path))
            {
                throw new OpenDeskException($"{OsError.Describe(ProcessInterop.EACCES)}: '{name}'");
            }

            if (ProcessInterop.access(path, ProcessInterop.X_OK) != 0)
            {
                throw OsError.Last(name);
            }

            return path;
        }

        var sawNonExecutable = false;
        foreach (var directory in (searchPath ?? DefaultSearchPath).Split(':'))
        {
            // An empty PATH element means the current directory, as in execvp.
            var baseDirectory = directory.Length == 0 ? "." : directory;
            if (!Path.IsPathRooted(baseDirectory) && cwd is not null)
            {
                baseDirectory = Path.Combine(cwd, baseDirectory);
            }

            var candidate = Path.Combine(baseDirectory, name);
            if (!File.Exists(candidate))
            {
                continue;
            }

            if (ProcessInterop.access(candidate, ProcessInterop.X_OK) == 0)
            {
                return candidate;
            }

            sawNonExecutable = true;
        }

        throw sawNonExecutable
            ? new OpenDeskException($"{OsError.Describe(ProcessInterop.EACCES)}: '{name}'")
            : new NotFoundException($"{OsError.Describe(ProcessInterop.ENOENT)}: '{name}'");
    }

    /// <summary>The program's path when <paramref name="name"/> names an executable on <c>$PATH</c>, else null.</summary>
    public static string? TryResolveOnPath(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Resolve(name, Environment.GetEnvironmentVariable("PATH"), null);
        }
        catch (OpenDeskException)
        {
            return null;
        }
    }
}
