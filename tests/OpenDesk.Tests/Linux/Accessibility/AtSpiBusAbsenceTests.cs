using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Linux.Accessibility;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Linux.Accessibility;

/// <summary>Where there is no accessibility bus, opening finds none and the capabilities stay off; nothing throws.</summary>
public sealed class AtSpiBusAbsenceTests(XvfbFixture x) : IClassFixture<XvfbFixture>
{
    [XvfbFact]
    public async Task A_display_without_an_accessibility_bus_and_no_session_bus_has_none()
    {
        var accessibility = await AtSpiAccessibility.TryOpenAsync(x.DisplayName, null, NullLogger.Instance, _ => null);

        Assert.Null(accessibility);
    }

    [XvfbFact]
    public async Task An_accessibility_bus_address_where_nothing_listens_is_not_used()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"od-no-bus-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string> { ["DISPLAY"] = x.DisplayName, ["AT_SPI_BUS_ADDRESS"] = $"unix:path={socket}" };

        var accessibility = await AtSpiAccessibility.TryOpenAsync(x.DisplayName, null, NullLogger.Instance, environment.GetValueOrDefault);

        Assert.Null(accessibility);
    }

    [AtSpiFact]
    public async Task A_session_bus_that_cannot_start_the_accessibility_launcher_has_none()
    {
        // A session bus with no service directories: org.a11y.Bus.GetAddress fails instead of starting a launcher.
        var directory = Directory.CreateTempSubdirectory("od-bare-bus-").FullName;
        var config = Path.Combine(directory, "session.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>session</type>
              <listen>unix:dir={directory}</listen>
              <policy context="default"><allow send_destination="*"/><allow own="*"/></policy>
            </busconfig>
            """);
        var info = new ProcessStartInfo("dbus-daemon", ["--config-file", config, "--nofork", "--print-address=1"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var daemon = Process.Start(info)!;
        try
        {
            var address = daemon.StandardOutput.ReadLine()!.Trim();
            var environment = new Dictionary<string, string> { ["DISPLAY"] = x.DisplayName, ["DBUS_SESSION_BUS_ADDRESS"] = address };

            var accessibility = await AtSpiAccessibility.TryOpenAsync(x.DisplayName, null, NullLogger.Instance, environment.GetValueOrDefault);

            Assert.Null(accessibility);
        }
        finally
        {
            daemon.Kill(entireProcessTree: true);
            daemon.WaitForExit(5000);
            Directory.Delete(directory, recursive: true);
        }
    }
}
