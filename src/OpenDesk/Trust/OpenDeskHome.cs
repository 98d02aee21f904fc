namespace OpenDesk.Trust;

/// <summary>
/// The opendesk home directory (spec §3.1, §4) and the well-known paths inside it. Constructing one creates
/// the directory with mode 0700 when it is missing; an existing directory keeps whatever mode the user gave it.
/// </summary>
public sealed class OpenDeskHome
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <param name="path">The <c>--home</c> override; <c>null</c> or empty means <c>~/.opendesk</c>. A leading
    /// <c>~</c> is expanded because config files and service units pass it through unexpanded.</param>
    public OpenDeskHome(string? path = null)
    {
        Path = System.IO.Path.GetFullPath(string.IsNullOrEmpty(path) ? DefaultPath() : ExpandTilde(path));
        if (!Directory.Exists(Path))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(Path);
            }
            else
            {
                Directory.CreateDirectory(Path, DirectoryMode);
            }
        }
    }

    public string Path { get; }

    public string IdentityKeyPath => Combine("identity.key");

    public string TrustedPeersPath => Combine("trusted-peers.json");

    public string DefaultPeerPath => Combine("default-peer");

    public string DescriptionPath => Combine("description.txt");

    public string AdminSocketPath => Combine("admin.sock");

    /// <summary>Where the daily audit logs go; the audit writer creates it (mode 0700) on first use.</summary>
    public string AuditDirectory => Combine("audit");

    public override string ToString() => Path;

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    private static string DefaultPath() =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".opendesk");

    private static string ExpandTilde(string path)
    {
        if (path == "~")
        {
            return Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        if (path.StartsWith("~/", StringComparison.Ordinal) || (OperatingSystem.IsWindows() && path.StartsWith("~\\", StringComparison.Ordinal)))
        {
            return System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]);
        }

        return path;
    }
}
