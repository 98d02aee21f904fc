namespace OpenDesk.Bench;

/// <summary>The repository's <c>opendesk</c> launcher, found above the bench's output directory.</summary>
internal static class RepositoryLauncher
{
    private static readonly Lazy<string> Launcher = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "opendesk");
            if (File.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "OpenDesk.slnx")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("the opendesk launcher was not found above the bench directory");
    });

    public static string Path => Launcher.Value;
}
