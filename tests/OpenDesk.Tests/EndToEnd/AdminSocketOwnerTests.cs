using System.Diagnostics;
using System.Globalization;
using OpenDesk.Tests.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// Another user running <c>opendesk sessions</c> against a live serve's home is told the admin socket is not
/// theirs, never "Is `opendesk serve` running?"; that answer stays for a socket that is really absent.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AdminSocketOwnerTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"od-owner-{Guid.NewGuid().ToString("N")[..8]}");

    [RootOnlyFact]
    public async Task Another_user_is_told_the_admin_socket_belongs_to_the_user_running_serve()
    {
        new TrustStore(new OpenDeskHome(_home)).Add(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "laptop", PeerRole.Controller);
        var socket = Path.Combine(_home, "admin.sock");
        using var serve = OpendeskCli.StartLongRunning(
            "serve", "--home", _home, "--host", "127.0.0.1", "--port", LocalPorts.Free().ToString(CultureInfo.InvariantCulture), "--no-mdns", "--no-desktop");
        await serve.WaitForOutputAsync("listening on", 120);
        var user = "opendesk-test-" + Random.Shared.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, (await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user)).Exit);
        try
        {
            // The home is 0700, as serve creates it: the other user cannot even see whether a socket is there.
            var hidden = await SessionsAsAsync(user);
            Assert.Equal(1, hidden.Exit);
            Assert.Equal(
                $"ERROR: Permission denied reaching the opendesk admin socket at {socket}: {_home} belongs to another user, root (uid 0), and only the user running `opendesk serve` can manage it.",
                hidden.Err.Trim());

            // A traversable home shows the socket, still 0600 and root's.
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_001_001);
            var visible = await SessionsAsAsync(user);
            Assert.Equal(1, visible.Exit);
            var notTheirs = $"ERROR: The opendesk admin socket at {socket} belongs to another user, root (uid 0); only the user running `opendesk serve` can manage it.";
            Assert.Equal(notTheirs, visible.Err.Trim());

            // Even a socket whose mode lets everyone connect is refused by serve's uid check, so the answer is the same.
            File.SetUnixFileMode(socket, (UnixFileMode)0b110_110_110);
            var open = await SessionsAsAsync(user);
            Assert.Equal(1, open.Exit);
            Assert.Equal(notTheirs, open.Err.Trim());

            // The owner is served as before.
            var owner = await OpendeskCli.RunAsync("sessions", "--home", _home);
            Assert.Equal(0, owner.Exit);
            Assert.Equal("No active session.", owner.Out.Trim());

            serve.Signal("INT");
            Assert.Equal(0, await serve.WaitForExitAsync());
            var stopped = await SessionsAsAsync(user);
            Assert.Equal(1, stopped.Exit);
            Assert.Equal($"ERROR: No opendesk admin socket at {socket}.  Is `opendesk serve` running?", stopped.Err.Trim());
        }
        finally
        {
            await RunAsync("/usr/sbin/userdel", user);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    /// <summary>The real CLI as <paramref name="user"/>, which has no home directory of its own.</summary>
    private async Task<(int Exit, string Out, string Err)> SessionsAsAsync(string user) =>
        await RunAsync("/usr/sbin/runuser", "-u", user, "--", "/usr/bin/env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", OpendeskCli.LauncherPath, "sessions", "--home", _home);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
