using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

[UnsupportedOSPlatform("windows")]
public class AdminPeerCredentialTests
{
    /// <summary>Connects, sends a <c>list</c> frame and prints how the connection ended and what came back.</summary>
    private const string PythonClient = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(sys.argv[1])
        try:
            s.sendall(bytes.fromhex("0000000981a26f70a46c697374"))
        except OSError:
            pass
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            print("closed", data.hex())
        except socket.timeout:
            print("timeout", data.hex())
        except OSError as e:
            print("reset", data.hex())
        """;

    [UnixFact]
    public void The_owner_of_a_connection_is_this_process_uid()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var path = Path.Combine(Directory.CreateTempSubdirectory("odadm-").FullName, "s.sock");
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(path));
            using var accepted = listener.Accept();

            Assert.Equal(PeerCredentials.EffectiveUserId, PeerCredentials.PeerUserId(accepted));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [RootOnlyFact]
    public async Task Another_uid_is_disconnected_without_a_reply_even_when_the_file_mode_lets_it_in()
    {
        var logger = new ListLogger();
        await using var fx = new AdminFixture();
        await fx.StartAsync(logger: logger);
        var user = "opendesk-test-" + Random.Shared.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, (await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user)).ExitCode);
        try
        {
            // Open the door the file mode normally shuts, so only the uid check stands between that user and the daemon.
            File.SetUnixFileMode(fx.Directory, (UnixFileMode)0b111_001_001);
            File.SetUnixFileMode(fx.SocketPath, (UnixFileMode)0b110_110_110);
            var uid = (await RunAsync("/usr/bin/id", "-u", user)).Stdout.Trim();

            var (exitCode, stdout, stderr) = await RunAsync("/usr/sbin/runuser", "-u", user, "--", "/usr/bin/python3", "-c", PythonClient, fx.SocketPath);

            Assert.True(exitCode == 0, $"the other user could not even connect (exit {exitCode}): {stderr}");
            Assert.Contains(stdout.Trim(), new[] { "closed", "reset" });
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains($"from uid {uid}", StringComparison.Ordinal));
            Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        }
        finally
        {
            await RunAsync("/usr/sbin/userdel", user);
        }
    }

    [RootOnlyFact]
    public async Task Another_uid_is_refused_on_the_named_pipe_too()
    {
        var logger = new ListLogger();
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync(logger: logger);
        var backing = AdminFixture.PipeSocketPath(fx.PipeName!);
        var user = "opendesk-test-" + Random.Shared.Next(100_000, 1_000_000).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(0, (await RunAsync("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user)).ExitCode);
        try
        {
            // Let that user reach the socket behind the pipe, so only CurrentUserOnly's uid check refuses it.
            File.SetUnixFileMode(backing, (UnixFileMode)0b110_110_110);
            var uid = (await RunAsync("/usr/bin/id", "-u", user)).Stdout.Trim();

            var (exitCode, stdout, stderr) = await RunAsync("/usr/sbin/runuser", "-u", user, "--", "/usr/bin/python3", "-c", PythonClient, backing);

            Assert.True(exitCode == 0, $"the other user could not even connect (exit {exitCode}): {stderr}");
            Assert.Contains(stdout.Trim(), new[] { "closed", "reset" });
            Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning
                && e.Message.StartsWith($@"refused an admin connection on \\.\pipe\{fx.PipeName}: ", StringComparison.Ordinal)
                && e.Message.Contains(uid, StringComparison.Ordinal));
            Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        }
        finally
        {
            await RunAsync("/usr/sbin/userdel", user);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
