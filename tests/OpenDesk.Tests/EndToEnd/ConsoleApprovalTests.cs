using System.Diagnostics;
using System.Globalization;
using System.Text;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>serve --approve console on a real pseudo-terminal (util-linux <c>script</c>), answered y and n.</summary>
[Collection(nameof(EndToEndCollection))]
public sealed class ConsoleApprovalTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"od-tty-{Guid.NewGuid().ToString("N")[..8]}");

    [Fact]
    public async Task Answers_on_the_serving_terminal_allow_or_deny_the_controllers_actions()
    {
        var server = new OpenDeskHome(Path.Combine(_root, "s"));
        var client = new OpenDeskHome(Path.Combine(_root, "c"));
        new TrustStore(server).Add(Identity.LoadOrCreate(client).PublicKey, "laptop", PeerRole.Controller);
        var port = LocalPorts.Free();
        var launcher = OpendeskCli.LauncherPath;
        var command = $"'{launcher}' serve --home '{server.Path}' --host 127.0.0.1 --port {port.ToString(CultureInfo.InvariantCulture)} --approve console --no-mdns --no-desktop";
        var info = new ProcessStartInfo("script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Headless on purpose (--no-desktop): an approved call then fails as capability_unsupported, a denied one as permission_denied.
        info.Environment.Remove("DISPLAY");
        foreach (var arg in new[] { "-qfec", command, "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        using var tty = Process.Start(info)!;
        var output = new StringBuilder();
        var reader = Task.Run(async () =>
        {
            var buffer = new char[256];
            int read;
            while ((read = await tty.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (output)
                {
                    output.Append(buffer, 0, read);
                }
            }
        });
        string Output()
        {
            lock (output)
            {
                return output.ToString();
            }
        }

        try
        {
            await WaitForAsync(() => Output().Contains("approve=console", StringComparison.Ordinal), "serve to start", Output);
            Assert.DoesNotContain("no TTY", Output(), StringComparison.Ordinal);
            await using var remote = await RemoteComputer.ConnectAsync(
                $"ws://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}#{ServerKey(server)}",
                new RemoteComputerOptions { Home = client.Path, AutoReconnect = false });

            // Observations are never asked about.
            Assert.Equal("linux", (await remote.EnvironmentAsync()).Os);

            var allowed = remote.WriteFileAsync(Path.Combine(_root, "x"), [1]);
            await WaitForAsync(() => Output().Contains("[opendesk] laptop wants to write file: ", StringComparison.Ordinal), "the first prompt", Output);
            Assert.Contains("Allow? [y/N] ", Output(), StringComparison.Ordinal);
            await tty.StandardInput.WriteAsync("y\n");
            await tty.StandardInput.FlushAsync();
            var passed = await Assert.ThrowsAnyAsync<ProtocolException>(() => allowed);
            Assert.Equal(ErrorCodes.CapabilityUnsupported, passed.Code);

            var denied = remote.TypeTextAsync("hello world");
            await WaitForAsync(() => Output().Contains("laptop wants to type 11 chars: 'hello world'. Allow? [y/N] ", StringComparison.Ordinal), "the second prompt", Output);
            await tty.StandardInput.WriteAsync("n\n");
            await tty.StandardInput.FlushAsync();
            var refusal = await Assert.ThrowsAsync<PermissionDeniedException>(() => denied);
            Assert.Equal("laptop denied: type 11 chars: 'hello world'", refusal.Detail);

            // Reads are observations, except of the serving home: reading its private key is asked about, saying why.
            var key = Path.Combine(server.Path, "identity.key");
            var secret = remote.ReadFileAsync(key);
            var summary = $"read file: {key} (inside the opendesk home, which holds this desk's private key and trust store)";
            await WaitForAsync(() => Output().Contains($"laptop wants to {summary}. Allow? [y/N] ", StringComparison.Ordinal), "the prompt for the key", Output);
            await tty.StandardInput.WriteAsync("n\n");
            await tty.StandardInput.FlushAsync();
            var kept = await Assert.ThrowsAsync<PermissionDeniedException>(() => secret);
            Assert.Equal($"laptop denied: {summary}", kept.Detail);
        }
        finally
        {
            using (var kill = Process.Start("pkill", ["-TERM", "-f", $"--port {port.ToString(CultureInfo.InvariantCulture)} --approve console"]))
            {
                await kill.WaitForExitAsync();
            }

            if (!tty.WaitForExit(10_000))
            {
                tty.Kill(entireProcessTree: true);
            }

            await reader;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string ServerKey(OpenDeskHome server) => Identity.LoadOrCreate(server).PublicKeyHex;

    private static async Task WaitForAsync(Func<bool> condition, string what, Func<string> output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}; terminal so far:\n{output()}");
            await Task.Delay(50);
        }
    }
}
