using System.Security.Cryptography;
using System.Text;
using OpenDesk.Trust;

namespace OpenDesk.Cli.Mcp;

/// <summary>
/// The bearer token of the MCP HTTP endpoint: <c>&lt;home&gt;/mcp-token</c>, created at mode 0600 on first use and
/// kept, so clients configured with it keep working across restarts. Delete the file to get a new one.
/// </summary>
internal static class McpToken
{
    public const string FileName = "mcp-token";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(OpenDeskHome home) => Path.Combine(home.Path, FileName);

    /// <summary>The token, made when the file does not exist yet.</summary>
    /// <exception cref="OpenDeskException">The file is readable by others or holds no token; the message says what to do.</exception>
    public static string LoadOrCreate(OpenDeskHome home)
    {
        var path = PathIn(home);
        if (!File.Exists(path))
        {
            var fresh = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            var temp = Path.Combine(home.Path, $".{FileName}.{Guid.NewGuid():N}.tmp");
            try
            {
                // Written whole at 0600 under a name of its own, then given its real name in a way that never replaces
                // a file: a secret is never readable by others, a process starting at the same moment never reads a
                // file still empty, and of two that race, one token wins and both use it.
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = OwnerOnly;
                }

                using (var stream = new FileStream(temp, options))
                {
                    stream.Write(Encoding.ASCII.GetBytes(fresh + "\n"));
                    stream.Flush(flushToDisk: true);
                }

                if (OperatingSystem.IsWindows())
                {
                    File.Move(temp, path, overwrite: false);
                    return fresh;
                }

                if (HardLink.TryCreate(temp, path))
                {
                    return fresh;
                }
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first: use that one.
            }
            finally
            {
                File.Delete(temp);
            }
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new OpenDeskException($"{path} can be read or written by other users; run `chmod 600 {path}`, or delete it to get a new token");
        }

        var token = File.ReadAllText(path).Trim();
        return token.Length >= 32 && token.All(char.IsAsciiLetterOrDigit)
            ? token
            : throw new OpenDeskException($"{path} does not hold a token; delete it and a new one is made");
    }

    /// <summary>Whether an <c>Authorization</c> header carries the token, compared in constant time.</summary>
    public static bool Matches(string? authorization, string token)
    {
        const string scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(token));
    }
}
