using System.Security.Cryptography;
using System.Text;

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

    /// <summary>
    /// The name of serve's admin named pipe on Windows (spec §20.1): <c>opendesk-admin</c>, as the spec names it,
    /// for the default home, and <c>opendesk-admin-</c> plus 16 hex digits of the SHA-256 of the full path for any
    /// other. This is the one place both serve and the CLI take the name from.
    /// </summary>
    /// <remarks>
    /// A deviation from the spec's single name, because pipe names are machine-wide while a home is a directory:
    /// with one name, a serve started with <c>--home</c> (a test, a second profile) would collide with the default
    /// one, and the CLI pointed at one home could manage the other home's daemon. A hash rather than the path
    /// itself because a pipe name may not contain every path character and has a length limit, and the Unix socket
    /// .NET backs a pipe with elsewhere has a much shorter one. Spellings of one directory that differ only by a
    /// trailing separator or, on Windows, by letter case get the same name; one reached through a symbolic link
    /// does not. The default home keeps the spec's name, so on a machine shared by several users only one of them
    /// at a time can serve with the default home; the others are told so at start and can pass <c>--home</c>.
    /// </remarks>
    public string AdminPipeName => AdminPipeNameOf(Path);

    /// <summary>Where the daily audit logs go; the audit writer creates it (mode 0700) on first use.</summary>
    public string AuditDirectory => Combine("audit");

    public override string ToString() => Path;

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary><see cref="AdminPipeName"/> of the home at the full path <paramref name="path"/>, without creating it.</summary>
    internal static string AdminPipeNameOf(string path)
    {
        var key = NormalizeForComparison(path);
        if (key == NormalizeForComparison(System.IO.Path.GetFullPath(DefaultPath())))
        {
            return "opendesk-admin";
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return "opendesk-admin-" + Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }

    /// <summary>A trailing separator and, on Windows, letter case do not make a different directory.</summary>
    private static string NormalizeForComparison(string path)
    {
        var trimmed = System.IO.Path.TrimEndingDirectorySeparator(path);
        return OperatingSystem.IsWindows() ? trimmed.ToUpperInvariant() : trimmed;
    }

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
