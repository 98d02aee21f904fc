using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk install-service</c> / <c>uninstall-service</c>: keep serve running across logins as a systemd
/// user unit (spec §24). Other service managers are named in the error rather than half-supported.
/// </summary>
internal static class ServiceCommands
{
    public const string UnitName = "opendesk.service";

    public static Command CreateInstall()
    {
        var port = new Option<int>("--port") { Description = "port serve listens on", DefaultValueFactory = _ => 8423 };
        var noStart = new Option<bool>("--no-start") { Description = "write the unit but do not enable or start it" };
        var command = new Command("install-service", "Run `opendesk serve` automatically at login (systemd user unit)");
        command.Options.Add(port);
        command.Options.Add(noStart);
        command.SetAction(parse =>
        {
            if (!OperatingSystem.IsLinux())
            {
                return Cli.Error("install-service supports systemd on Linux only; on this OS start `opendesk serve` from your login items");
            }

            var path = UnitPath();
            var home = parse.GetValue(Cli.Home);
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, UnitText(string.Join(' ', ServeProgram().Select(Quote)), parse.GetValue(port), home is null ? null : Path.GetFullPath(home)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Cli.Error($"cannot write {path}: {ex.Message}");
            }

            Console.WriteLine($"✓ Service installed (systemd): {path}");
            if (parse.GetValue(noStart))
            {
                Console.WriteLine("  Not started (--no-start).  Activate manually or rerun without the flag.");
            }
            else if (Systemctl("daemon-reload") && Systemctl("enable", "--now", UnitName))
            {
                Console.WriteLine("  Started.  It will also run automatically on next login.");
            }
            else
            {
                Console.WriteLine("  WARNING: file written but service manager could not start it. Activate manually.");
            }

            return 0;
        });
        return command;
    }

    public static Command CreateUninstall()
    {
        var command = new Command("uninstall-service", "Remove the service installed by `opendesk install-service`");
        command.SetAction(_ =>
        {
            var path = UnitPath();
            if (!File.Exists(path))
            {
                Console.WriteLine("No opendesk service was installed.");
                return 0;
            }

            Systemctl("disable", "--now", UnitName);
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return Cli.Error($"cannot remove {path}: {ex.Message}");
            }

            Systemctl("daemon-reload");
            Console.WriteLine("✓ Service uninstalled.");
            return 0;
        });
        return command;
    }

    /// <summary>The unit text; the unit runs the installed <c>opendesk serve</c>.</summary>
    internal static string UnitText(string opendesk, int port, string? home)
    {
        var homeArgument = home is null ? "" : $" --home {Quote(home)}";
        return $"""
            [Unit]
            Description=opendesk serve: remote control of this desktop by paired controllers
            After=graphical-session.target network-online.target

            [Service]
            Type=simple
            ExecStart={opendesk} serve --port {port.ToString(CultureInfo.InvariantCulture)}{homeArgument}
            Restart=on-failure
            RestartSec=5

            [Install]
            WantedBy=default.target

            """;
    }

    internal static string UnitPath()
    {
        var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(config, "systemd", "user", UnitName);
    }

    /// <summary>The command line that starts this opendesk again, as argv, for the running process.</summary>
    private static IReadOnlyList<string> ServeProgram() =>
        ServeProgram(Environment.GetEnvironmentVariable("OPENDESK_LAUNCHER"), Environment.ProcessPath, typeof(ServiceCommands).Assembly.Location);

    /// <summary>
    /// The launcher when we came through it (it rebuilds a source checkout first); the dotnet host followed by
    /// the entry assembly when the host runs us; otherwise our own executable, an apphost or single-file build,
    /// which must not be handed its own assembly as an argument.
    /// </summary>
    internal static IReadOnlyList<string> ServeProgram(string? launcher, string? processPath, string entryAssembly)
    {
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

    // Both separators, so a Windows path is judged the same wherever the command line is built.
    private static bool IsDotnetHost(string processPath)
    {
        var name = processPath[(processPath.LastIndexOfAny(['/', '\\']) + 1)..];
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase) || name.Equals("dotnet.exe", StringComparison.OrdinalIgnoreCase);
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;

    private static bool Systemctl(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("systemctl") { RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add("--user");
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return false;
            }

            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            return process.WaitForExit(30_000) && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
