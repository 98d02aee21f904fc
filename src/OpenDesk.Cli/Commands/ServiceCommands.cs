using System.CommandLine;
using System.Diagnostics;

namespace OpenDesk.Cli.Commands;

/// <summary>
/// <c>opendesk install-service</c> / <c>uninstall-service</c>: keep serve running across logins with the OS's
/// own service manager (spec §24): a systemd user unit on Linux, a launchd agent on macOS, a scheduled task
/// on Windows. Other systems are named in the error rather than half-supported.
/// </summary>
internal static class ServiceCommands
{
    public static Command CreateInstall()
    {
        var port = new Option<int>("--port") { Description = "port serve listens on", DefaultValueFactory = _ => 8423 };
        var noStart = new Option<bool>("--no-start") { Description = "write the service definition but do not register or start it" };
        var command = new Command("install-service", "Run `opendesk serve` automatically at login (systemd user unit, launchd agent or scheduled task)");
        command.Options.Add(port);
        command.Options.Add(noStart);
        command.SetAction(parse =>
        {
            if (ServiceManager.CurrentPlatform is not { } platform)
            {
                return UnsupportedOs();
            }

            // Resolving the home also creates it, which launchd needs before it can open the logs it writes there.
            var serve = new ServeInvocation(SelfProgram.Current(), parse.GetValue(port), Cli.HomeOf(parse).Path, parse.GetValue(Cli.Home) is not null);
            return Install(ServiceManager.For(platform), serve, start: !parse.GetValue(noStart), RunProcess, Console.Out);
        });
        return command;
    }

    public static Command CreateUninstall()
    {
        var command = new Command("uninstall-service", "Remove the service installed by `opendesk install-service`");
        command.SetAction(_ => ServiceManager.CurrentPlatform is { } platform
            ? Uninstall(ServiceManager.For(platform), RunProcess, Console.Out)
            : UnsupportedOs());
        return command;
    }

    /// <summary>
    /// Writes the service definition, then registers and starts it unless <paramref name="start"/> is false. A
    /// manager that fails or is missing leaves the file in place with a warning: the user can activate it by hand.
    /// </summary>
    internal static int Install(ServiceManager manager, ServeInvocation serve, bool start, CommandRunner run, TextWriter output)
    {
        var path = manager.DefinitionPath;
        try
        {
            manager.Write(serve);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return Cli.Error($"cannot write {path}: {ex.Message}");
        }

        output.WriteLine($"✓ Service installed ({manager.Name}): {path}");
        if (!start)
        {
            output.WriteLine("  Not started (--no-start).  Activate manually or rerun without the flag.");
        }
        else if (manager.Start(run))
        {
            output.WriteLine("  Started.  It will also run automatically on next login.");
        }
        else
        {
            output.WriteLine("  WARNING: file written but service manager could not start it. Activate manually.");
        }

        return 0;
    }

    /// <summary>Stops and unregisters the service, then removes its definition; nothing to do when there is none.</summary>
    internal static int Uninstall(ServiceManager manager, CommandRunner run, TextWriter output)
    {
        var path = manager.DefinitionPath;
        if (!File.Exists(path))
        {
            output.WriteLine("No opendesk service was installed.");
            return 0;
        }

        manager.Stop(run);
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Cli.Error($"cannot remove {path}: {ex.Message}");
        }

        manager.Forget(run);
        output.WriteLine("✓ Service uninstalled.");
        return 0;
    }

    /// <summary>Runs a service-manager command quietly; false when it is missing, fails or hangs.</summary>
    internal static bool RunProcess(string program, IReadOnlyList<string> arguments)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return false;
            }

            // Drained together and in the background: reading one pipe to its end first could block on a manager
            // that fills the other, and would wait for exit itself, leaving the time limit below without effect.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static int UnsupportedOs() =>
        Cli.Error("install-service supports systemd (Linux), launchd (macOS) and Task Scheduler (Windows) only; on this OS start `opendesk serve` from your login items");
}
