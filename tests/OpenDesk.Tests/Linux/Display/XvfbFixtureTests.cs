namespace OpenDesk.Tests.Linux.Display;

/// <summary>The shared X server fixture that the display tests (and other X11 tests) build on.</summary>
public sealed class XvfbFixtureTests
{
    [XvfbFact]
    public void Create_WithWindowManager_RunsOpenboxOnItsOwnDisplayAndShutsDownCleanly()
    {
        string socket;
        using (var x = XvfbFixture.Create(640, 480, withWindowManager: true))
        {
            Assert.Matches("^:[0-9]+$", x.DisplayName);
            Assert.Equal(x.DisplayName, x.Env["DISPLAY"]);
            Assert.True(x.WithWindowManager);
            Assert.Contains("Openbox", x.Run("wmctrl", "-m"), StringComparison.Ordinal);
            Assert.Contains("640x480", x.Run("xdpyinfo"), StringComparison.Ordinal);
            socket = $"/tmp/.X11-unix/X{x.DisplayName[1..]}";
            Assert.True(File.Exists(socket));
        }

        Assert.False(File.Exists(socket), "Xvfb left its socket behind");
    }

    [XvfbFact]
    public void Run_ReportsAFailingCommandWithItsErrorOutput()
    {
        using var x = XvfbFixture.Create(320, 240);

        var error = Assert.Throws<InvalidOperationException>(() => x.Run("xwininfo", "-id", "0x1"));

        Assert.Contains("xwininfo -id 0x1 exited with", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x1", error.Message[error.Message.IndexOf(':', StringComparison.Ordinal)..], StringComparison.Ordinal);
    }
}
