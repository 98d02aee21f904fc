using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OpenDesk.Computer;

/// <summary>
/// Facts about this machine in the shape upstream's <c>system.environment</c> reports them, so a controller
/// sees the same strings whichever implementation serves it.
/// </summary>
internal static class HostEnvironment
{
    /// <summary>Python's <c>platform.system().lower()</c>.</summary>
    public static string OsName { get; } = DetectOsName();

    public static string OsVersion()
    {
        if (OperatingSystem.IsLinux())
        {
            foreach (var path in new[] { "/etc/os-release", "/usr/lib/os-release" })
            {
                try
                {
                    if (File.Exists(path) && ParseOsRelease(File.ReadAllText(path)) is { Length: > 0 } version)
                    {
                        return version;
                    }
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
        }

        if (OperatingSystem.IsMacOS() || OperatingSystem.IsWindows())
        {
            return Environment.OSVersion.Version.ToString();
        }

        return Environment.OSVersion.VersionString;
    }

    /// <summary>
    /// The full host name as gethostname(2) returns it; <see cref="Environment.MachineName"/> is only the
    /// fallback because on Unix it cuts the name at the first dot.
    /// </summary>
    public static string Hostname()
    {
        try
        {
            var name = Dns.GetHostName();
            if (name.Length > 0)
            {
                return name;
            }
        }
        catch (SocketException)
        {
        }

        return Environment.MachineName;
    }

    /// <summary>
    /// The user's locale as <c>en_US</c>: the POSIX variables in the order Python's locale module consults them,
    /// then the OS culture. Empty when unknown or when the locale is C/POSIX, which names no language.
    /// </summary>
    public static string Locale()
    {
        foreach (var variable in new[] { "LC_ALL", "LC_CTYPE", "LANG" })
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value))
            {
                return LocaleFromPosix(value);
            }
        }

        // With invariant globalization (this project's default) the culture name is empty, which is the honest answer.
        return CultureInfo.CurrentCulture.Name.Replace('-', '_');
    }

    public static string Timezone() => TimeZoneInfo.Local.Id;

    /// <summary>PRETTY_NAME, else VERSION, from os-release text; empty when neither is present.</summary>
    internal static string ParseOsRelease(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            }

            values[line[..equals].Trim()] = value;
        }

        foreach (var key in new[] { "PRETTY_NAME", "VERSION" })
        {
            if (values.TryGetValue(key, out var value) && value.Length > 0)
            {
                return value;
            }
        }

        return "";
    }

    /// <summary><c>de_DE.UTF-8@euro</c> → <c>de_DE</c>; <c>C</c>, <c>C.UTF-8</c> and <c>POSIX</c> → empty.</summary>
    internal static string LocaleFromPosix(string value)
    {
        var end = value.IndexOfAny(['.', '@']);
        var name = end >= 0 ? value[..end] : value;
        return name is "C" or "POSIX" ? "" : name;
    }

    private static string DetectOsName()
    {
        if (OperatingSystem.IsLinux())
        {
            return "linux";
        }

        if (OperatingSystem.IsMacOS())
        {
            return "darwin";
        }

        if (OperatingSystem.IsWindows())
        {
            return "windows";
        }

        if (OperatingSystem.IsFreeBSD())
        {
            return "freebsd";
        }

        // uname's sysname is what Python reports; the first word of the OS description is the closest .NET has.
        var description = RuntimeInformation.OSDescription.Trim();
        var space = description.IndexOf(' ', StringComparison.Ordinal);
        return (space > 0 ? description[..space] : description).ToLowerInvariant();
    }
}
