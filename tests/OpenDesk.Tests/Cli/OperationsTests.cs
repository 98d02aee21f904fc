using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OpenDesk.Cli;
using OpenDesk.Cli.Commands;

namespace OpenDesk.Tests.Cli;

/// <summary>What an operator relies on: the log file rotates, the service unit is valid.</summary>
public sealed class OperationsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"od-ops-{Guid.NewGuid().ToString("N")[..8]}");

    public OperationsTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void The_log_file_rotates_at_the_configured_size_and_keeps_the_configured_backups()
    {
        var path = Path.Combine(_directory, "serve.log");
        using (var provider = new RotatingFileLoggerProvider(path, LogLevel.Information, maxBytes: 1000, backups: 2))
        {
            var logger = provider.CreateLogger("opendesk.serve");
            for (var i = 0; i < 100; i++)
            {
                logger.LogInformation("session {Id} opened: laptop from 127.0.0.1:{Port}", i, 40000 + i);
            }
        }

        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        foreach (var file in new[] { path, path + ".1", path + ".2" })
        {
            Assert.True(new FileInfo(file).Length <= 1000, file);
        }

        Assert.Contains("INFO opendesk.serve: session 99 opened: laptop from 127.0.0.1:40099", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void The_systemd_unit_runs_serve_restarts_on_failure_and_passes_systemd_analyze()
    {
        var launcher = Path.Combine(_directory, "opendesk");
        File.WriteAllText(launcher, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var unit = SystemdService.UnitText(launcher, 9000, "/srv/desk home");

        Assert.Contains($"ExecStart={launcher} serve --port 9000 --home \"/srv/desk home\"", unit, StringComparison.Ordinal);
        Assert.Contains("Restart=on-failure", unit, StringComparison.Ordinal);
        Assert.Contains("RestartSec=5", unit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=default.target", unit, StringComparison.Ordinal);

        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            var path = Path.Combine(_directory, SystemdService.UnitName);
            File.WriteAllText(path, SystemdService.UnitText(launcher, 9000, null));
            var info = new ProcessStartInfo("systemd-analyze") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in new[] { "verify", "--man=no", path })
            {
                info.ArgumentList.Add(arg);
            }

            using var verify = Process.Start(info)!;
            var errors = verify.StandardError.ReadToEnd() + verify.StandardOutput.ReadToEnd();
            verify.WaitForExit();
            Assert.True(verify.ExitCode == 0, errors);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
