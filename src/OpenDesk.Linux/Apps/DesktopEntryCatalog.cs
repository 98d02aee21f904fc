namespace OpenDesk.Linux.Apps;

/// <summary>
/// The installed applications: every <c>applications/**/*.desktop</c> under the XDG data directories
/// (<c>$XDG_DATA_HOME</c>, then <c>$XDG_DATA_DIRS</c>). A desktop-file id is the path below
/// <c>applications/</c> with '/' turned into '-' and without <c>.desktop</c> (<c>kde4/foo.desktop</c> →
/// <c>kde4-foo</c>); the first directory holding an id wins, so a user's <c>Hidden=true</c> copy hides the
/// system one. Scanned afresh on each call: installs and removals show up without a restart.
/// </summary>
internal sealed class DesktopEntryCatalog
{
    private readonly IReadOnlyList<string>? _dataDirectories;

    /// <param name="dataDirectories">The XDG data directories to scan in priority order; null means from the environment.</param>
    public DesktopEntryCatalog(IReadOnlyList<string>? dataDirectories = null)
    {
        _dataDirectories = dataDirectories;
    }

    /// <summary>Every entry by id, including hidden ones (callers decide what to show).</summary>
    public IReadOnlyDictionary<string, DesktopEntry> Scan()
    {
        var entries = new Dictionary<string, DesktopEntry>(StringComparer.Ordinal);
        foreach (var dataDirectory in _dataDirectories ?? DataDirectoriesFromEnvironment())
        {
            var applications = Path.Combine(dataDirectory, "applications");
            if (!Directory.Exists(applications))
            {
                continue;
            }

            try
            {
                var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
                foreach (var file in Directory.EnumerateFiles(applications, "*.desktop", options))
                {
                    var relative = Path.GetRelativePath(applications, file);
                    var id = relative[..^".desktop".Length].Replace('/', '-');
                    if (!entries.ContainsKey(id) && DesktopEntry.Load(id, file) is { } entry)
                    {
                        entries[id] = entry;
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A directory that vanished or turned unreadable mid-scan contributes what was read so far.
            }
        }

        return entries;
    }

    /// <summary>Whether the entry is an application a user would see in a menu and that can actually run here.</summary>
    public static bool IsVisible(DesktopEntry entry) =>
        IsLaunchable(entry) && !entry.NoDisplay;

    /// <summary>An application entry not deleted by <c>Hidden</c> whose <c>TryExec</c> (if any) exists.</summary>
    public static bool IsLaunchable(DesktopEntry entry)
    {
        if (entry.Hidden || entry.Type != "Application" || entry.Exec is null)
        {
            return false;
        }

        if (entry.TryExec is not { Length: > 0 } tryExec)
        {
            return true;
        }

        return Path.IsPathRooted(tryExec) ? File.Exists(tryExec) : Processes.ProgramPath.TryResolveOnPath(tryExec) is not null;
    }

    private static IEnumerable<string> DataDirectoriesFromEnvironment()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            var home = Environment.GetEnvironmentVariable("HOME");
            dataHome = string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".local", "share");
        }

        if (dataHome is not null)
        {
            yield return dataHome;
        }

        var dataDirs = Environment.GetEnvironmentVariable("XDG_DATA_DIRS");
        foreach (var directory in (string.IsNullOrEmpty(dataDirs) ? "/usr/local/share:/usr/share" : dataDirs).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return directory;
        }
    }
}
