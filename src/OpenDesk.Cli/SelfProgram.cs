using System.Xml;
using System.Xml.Linq;

namespace OpenDesk.Cli;

/// <summary>
/// The command line that starts this opendesk again from outside this process (a service manager, the demo's
/// child processes), as argv before the sub-command.
/// </summary>
internal static class SelfProgram
{
    /// <summary>Written by <c>dotnet pack</c> beside the entry assembly of every .NET tool package.</summary>
    public const string ToolSettingsFile = "DotnetToolSettings.xml";

    /// <summary>Where the dotnet CLI unpacks the packages of the tools it installs, beside their shims.</summary>
    public const string ToolStoreDirectory = ".store";

    /// <summary>The argv for the running process.</summary>
    public static IReadOnlyList<string> Current() =>
        Resolve(
            ToolShim(AppContext.BaseDirectory, OperatingSystem.IsWindows()),
            Environment.GetEnvironmentVariable("OPENDESK_LAUNCHER"),
            Environment.ProcessPath,
            Path.Combine(AppContext.BaseDirectory, typeof(SelfProgram).Assembly.GetName().Name + ".dll"));

    /// <summary>
    /// The tool's shim when we run from an installed .NET tool: the shim is what stays put across
    /// <c>dotnet tool update</c>, and a launcher variable inherited from a checkout does not make this process
    /// that checkout's. Otherwise the launcher when we came through it (it rebuilds a source checkout first);
    /// the dotnet host followed by the entry assembly when the host runs us; otherwise our own executable, an
    /// apphost or native build, which must not be handed an assembly as an argument.
    /// </summary>
    internal static IReadOnlyList<string> Resolve(string? toolShim, string? launcher, string? processPath, string entryAssembly)
    {
        if (toolShim is { Length: > 0 })
        {
            return [toolShim];
        }

        if (launcher is { Length: > 0 })
        {
            return [launcher];
        }

        if (processPath is null)
        {
            return ["dotnet", entryAssembly];
        }

        return IsDotnetHost(processPath) && entryAssembly.Length > 0 ? [processPath, entryAssembly] : [processPath];
    }

    /// <summary>
    /// The shim of the installed .NET tool whose package holds <paramref name="baseDirectory"/>, or null when this
    /// is no installed tool. A global tool lives in <c>~/.dotnet/tools/.store/&lt;id&gt;/&lt;version&gt;/…/tools/&lt;tfm&gt;/any/</c>
    /// with its shim in <c>~/.dotnet/tools</c>, and a <c>--tool-path</c> install the same way under that path; a
    /// local tool runs from the NuGet cache and has no shim.
    /// </summary>
    internal static string? ToolShim(string baseDirectory, bool windows)
    {
        if (ToolCommandName(Path.Combine(baseDirectory, ToolSettingsFile)) is not { } command)
        {
            return null;
        }

        for (var directory = new DirectoryInfo(baseDirectory); directory.Parent is { } parent; directory = parent)
        {
            if (directory.Name == ToolStoreDirectory)
            {
                var shim = Path.Combine(parent.FullName, windows ? command + ".exe" : command);
                return File.Exists(shim) ? shim : null;
            }
        }

        return null;
    }

    /// <summary>The command name a tool settings file declares; null when the file is missing or unreadable.</summary>
    private static string? ToolCommandName(string settingsPath)
    {
        try
        {
            var name = XDocument.Load(settingsPath).Descendants("Command").FirstOrDefault()?.Attribute("Name")?.Value;
            return name is { Length: > 0 } && name.IndexOfAny(['/', '\\']) < 0 && name != "." && name != ".." ? name : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or XmlException)
        {
            return null;
        }
    }

    // Both separators, so a Windows path is judged the same wherever the command line is built.
    private static bool IsDotnetHost(string processPath)
    {
        var name = processPath[(processPath.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase) || name.Equals("dotnet.exe", StringComparison.OrdinalIgnoreCase);
    }
}
