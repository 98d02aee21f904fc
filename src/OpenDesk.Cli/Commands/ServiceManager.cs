using System.Globalization;
using System.Text;
using OpenDesk.Server.Admin;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// Runs one service-manager command and says whether it ran and exited 0. The commands take one so tests
/// can see what would run without a service manager.
/// </summary>
internal delegate bool CommandRunner(string program, IReadOnlyList<string> arguments);

/// <summary>The service manager install-service uses on each supported OS; the names are the ones it prints.</summary>
internal enum ServicePlatform
{
    /// <summary>Linux: a systemd user unit.</summary>
    Systemd,

    /// <summary>macOS: a launchd user agent.</summary>
    Launchd,

    /// <summary>Windows: a Task Scheduler task.</summary>
    Schtasks,
}

/// <summary>What the service runs: <c>{Program} serve --port {Port}</c>, plus <c>--home {Home}</c> when <paramref name="PassHome"/>.</summary>
/// <param name="Program">The executable, then whatever must precede <c>serve</c> (the dotnet host needs the entry assembly).</param>
/// <param name="Port">The port serve listens on.</param>
/// <param name="Home">The absolute home serve uses; a launchd service also writes its output there.</param>
/// <param name="PassHome">Only an install that was given <c>--home</c> names it, so a default install keeps following the default.</param>
internal sealed record ServeInvocation(IReadOnlyList<string> Program, int Port, string Home, bool PassHome)
{
    /// <summary>The executable the service starts.</summary>
    public string Executable => Program[0];

    /// <summary>Every argument after <see cref="Executable"/>.</summary>
    public IReadOnlyList<string> Arguments =>
        [.. Program.Skip(1), "serve", "--port", Port.ToString(CultureInfo.InvariantCulture), .. PassHome ? ["--home", Home] : Array.Empty<string>()];
}

/// <summary>
/// One OS's service manager as install-service and uninstall-service drive it: a definition file that is
/// written whether or not the manager can be reached, and the commands that activate and remove it.
/// </summary>
internal abstract class ServiceManager
{
    protected static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The name printed in <c>✓ Service installed ({Name}): {path}</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The definition file; uninstall-service treats its existence as "a service is installed".</summary>
    public abstract string DefinitionPath { get; }

    /// <summary>The service manager of the OS we run on, or null where install-service has none.</summary>
    public static ServicePlatform? CurrentPlatform =>
        OperatingSystem.IsLinux() ? ServicePlatform.Systemd
        : OperatingSystem.IsMacOS() ? ServicePlatform.Launchd
        : OperatingSystem.IsWindows() ? ServicePlatform.Schtasks
        : null;

    /// <summary>The service manager for <paramref name="platform"/>, with the current user's standard locations.</summary>
    public static ServiceManager For(ServicePlatform platform)
    {
        var profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return platform switch
        {
            ServicePlatform.Systemd => new SystemdService(SystemdService.DefaultUnitPath()),
            ServicePlatform.Launchd => new LaunchdService(
                Path.Combine(profile, "Library", "LaunchAgents", LaunchdService.Label + ".plist"), PeerCredentials.EffectiveUserId),
            ServicePlatform.Schtasks => new ScheduledTaskService(
                Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "opendesk", ScheduledTaskService.FileName),
                $@"{Environment.UserDomainName}\{Environment.UserName}"),
            _ => throw new ArgumentOutOfRangeException(nameof(platform), platform, null),
        };
    }

    /// <summary>Writes the definition file for <paramref name="serve"/>, creating its directory.</summary>
    /// <exception cref="IOException">The file or its directory cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its directory cannot be written.</exception>
    /// <exception cref="ArgumentException">A path holds a character the file format cannot carry.</exception>
    public abstract void Write(ServeInvocation serve);

    /// <summary>Registers the written definition and starts the service now; false when the manager refused or is missing.</summary>
    public abstract bool Start(CommandRunner run);

    /// <summary>Stops and unregisters the service, best effort: it may never have been started.</summary>
    public abstract void Stop(CommandRunner run);

    /// <summary>Runs once the definition file is gone, for managers that keep their own copy of it.</summary>
    public virtual void Forget(CommandRunner run)
    {
    }

    protected static void WriteFile(string path, string text, Encoding encoding)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text, encoding);
    }
}
