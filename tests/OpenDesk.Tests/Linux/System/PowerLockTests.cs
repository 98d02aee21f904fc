using OpenDesk.Linux.SystemServices;

namespace OpenDesk.Tests.Linux.SystemServices;

public sealed class PowerLockTests
{
    [Fact]
    public void Constructor_ProbesWithoutThrowing()
    {
        var powerLock = new PowerLock();

        Assert.Equal(powerLock.Locker is not null, powerLock.CanLock);
    }

    [Fact]
    public void Probe_FindsNothingWhenNothingIsInstalled()
    {
        Assert.Null(PowerLock.Probe(_ => null, _ => false, _ => false));
    }

    [Fact]
    public void Probe_PrefersLogindInsideASession()
    {
        var locker = PowerLock.Probe(name => name == "XDG_SESSION_ID" ? "c2" : null, _ => true, _ => true);

        Assert.Equal(["loginctl", "lock-session", "c2"], locker!.Argv);
    }

    [Fact]
    public void Probe_SkipsLockerCommandsWhoseDaemonIsNotRunning()
    {
        var installed = new HashSet<string> { "loginctl", "xscreensaver-command", "light-locker-command" };

        var locker = PowerLock.Probe(_ => null, installed.Contains, daemon => daemon == "light-locker");

        Assert.Equal(["light-locker-command", "-l"], locker!.Argv);
    }

    [Fact]
    public async Task Lock_WithoutALockerIsUnsupported()
    {
        var error = await Assert.ThrowsAsync<CapabilityUnsupportedException>(() => new PowerLock(locker: null).LockAsync());

        Assert.Equal("power.lock", error.Capability);
    }

    [Fact]
    public async Task Lock_ReportsTheLockersFailureWithItsStderr()
    {
        var failing = new ScreenLocker(["sh", "-c", "echo 'no screensaver running' >&2; exit 4"], "test");

        var error = await WireErrors.OfAsync(() => new PowerLock(failing).LockAsync());

        Assert.Equal(ErrorCodes.Internal, error.Code);
        Assert.Contains("status 4: no screensaver running", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lock_SucceedsWhenTheLockerExitsZero()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"od-lock-{Guid.NewGuid():N}");
        try
        {
            await new PowerLock(new ScreenLocker(["touch", marker], "test")).LockAsync();

            Assert.True(File.Exists(marker));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Notifications_AreHonestlyEmpty()
    {
        var notifications = new DesktopNotifications();

        Assert.Empty(notifications.ListNotifications());
        Assert.Empty(await notifications.ListNotificationsAsync());
    }
}
