using System.Diagnostics;
using System.Globalization;
using OpenDesk.Linux.Apps;
using OpenDesk.Linux.Processes;
using OpenDesk.Tests.Linux.Display;

namespace OpenDesk.Tests.Linux.Apps;

public sealed class DesktopAppsTests : IClassFixture<XvfbFixture>, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly XvfbFixture _x;
    private readonly string _bin = Directory.CreateTempSubdirectory("od-apps-").FullName;
    private readonly List<int> _launched = [];

    public DesktopAppsTests(XvfbFixture x)
    {
        _x = x;
    }

    public void Dispose()
    {
        foreach (var pid in _launched)
        {
            ProcessInterop.kill(pid, ProcessInterop.SIGKILL);
        }

        Directory.Delete(_bin, recursive: true);
    }

    [XvfbFact]
    public async Task OpenByDesktopId_StartsXtermDetachedWithAWindow()
    {
        Assert.True(File.Exists("/usr/share/applications/debian-xterm.desktop"), "this test needs xterm's desktop entry");
        var apps = new DesktopApps(launchEnvironment: _x.Env);

        var pid = await apps.OpenAppAsync("debian-xterm");
        _launched.Add(pid);

        WaitForWindowOf(pid);
        var info = ProcessTable.Read(pid)!;
        Assert.Equal("xterm", info.Name);
        Assert.Equal(pid, GetSessionId(pid));
    }

    [XvfbFact]
    public async Task OpenByPathThenCloseByName_TerminatesOnlyThatApplication()
    {
        // A uniquely named xterm, so closing it cannot touch xterms other tests run at the same time.
        var name = $"odx{Environment.ProcessId % 100000}{Random.Shared.Next(1000, 9999)}";
        var path = Path.Combine(_bin, name);
        File.CreateSymbolicLink(path, "/usr/bin/xterm");
        var apps = new DesktopApps(launchEnvironment: _x.Env);

        var pid = await apps.OpenAppAsync(path);
        _launched.Add(pid);
        WaitForWindowOf(pid);
        Assert.Equal([pid], apps.FindRunning(name));

        var stopwatch = Stopwatch.StartNew();
        await apps.CloseAppAsync(name);

        Assert.False(ProcessTable.IsRunning(pid));
        Assert.True(stopwatch.Elapsed < DesktopApps.CloseGrace, "xterm should have exited on SIGTERM, without waiting for SIGKILL");
        var again = await WireErrors.OfAsync(() => apps.CloseAppAsync(name));
        Assert.Equal(ErrorCodes.NotFound, again.Code);
    }

    [Fact]
    public async Task Close_KillsAnApplicationThatIgnoresSigterm()
    {
        var name = $"odtrap{Random.Shared.Next(1000, 9999)}";
        var path = Path.Combine(_bin, name);
        await File.WriteAllTextAsync(path, "#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 0.05; done\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var apps = new DesktopApps();
        var pid = await apps.OpenAppAsync(path);
        _launched.Add(pid);

        // The kernel names a script's process after the script (comm), though sh runs it.
        await apps.CloseAppAsync(name);

        Assert.False(ProcessTable.IsRunning(pid));
    }

    [Fact]
    public async Task Open_UnknownNameIsNotFound()
    {
        var error = await WireErrors.OfAsync(() => new DesktopApps().OpenAppAsync("opendesk-no-such-app"));

        Assert.Equal(ErrorCodes.NotFound, error.Code);
        Assert.StartsWith("no application named 'opendesk-no-such-app'", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_AnAppThatDiesAtOnceIsReportedWithItsStatus()
    {
        var path = Path.Combine(_bin, "fails");
        await File.WriteAllTextAsync(path, "#!/bin/sh\nexit 3\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var error = await WireErrors.OfAsync(() => new DesktopApps().OpenAppAsync(path));

        Assert.Equal(ErrorCodes.Internal, error.Code);
        Assert.Contains("status 3", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Focus_HandsTheRunningPidsToTheWindowService()
    {
        var name = $"odfocus{Random.Shared.Next(1000, 9999)}";
        var path = Path.Combine(_bin, name);
        File.CreateSymbolicLink(path, "/bin/sleep");
        var focus = new RecordingAppWindowFocus();
        var apps = new DesktopApps(focus, catalog: new DesktopEntryCatalog([]));
        var runner = new ProcessRunner();
        var sleeper = runner.ExecAsync([path, "30"], timeout: 20);
        WaitUntil(() => apps.FindRunning(name).Count == 1, $"{name} to start");

        await apps.FocusAppAsync(name);
        focus.Answer = false;
        var noWindow = await WireErrors.OfAsync(() => apps.FocusAppAsync(name));
        var unsupported = await Assert.ThrowsAsync<CapabilityUnsupportedException>(() => new DesktopApps().FocusAppAsync(name));
        await new DesktopApps().CloseAppAsync(name);
        await sleeper;

        Assert.Equal(name, focus.Name);
        Assert.Empty(apps.FindRunning(name));
        Assert.Single(focus.Pids!);
        Assert.Equal(ErrorCodes.NotFound, noWindow.Code);
        Assert.Equal("app.lifecycle", unsupported.Capability);
    }

    private void WaitForWindowOf(int pid) =>
        WaitUntil(() => TrySearch(pid), $"a window of pid {pid}");

    private bool TrySearch(int pid)
    {
        try
        {
            return _x.Run("xdotool", "search", "--pid", pid.ToString(CultureInfo.InvariantCulture)).Trim().Length > 0;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void WaitUntil(Func<bool> condition, string what) => XvfbFixture.WaitUntil(condition, Patience, what);

    private static int GetSessionId(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[3], CultureInfo.InvariantCulture);
    }
}
