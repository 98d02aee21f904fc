using System.Diagnostics;
using System.Text;
using OpenDesk.Tests.EndToEnd;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Discovery;

/// <summary>
/// The real <c>opendesk serve</c> and <c>opendesk discover</c> processes inside a fresh network namespace whose only
/// interface is loopback, so nothing else on this host can take part.
/// </summary>
public sealed class MdnsCliNamespaceTests : IDisposable
{
    private readonly List<string> _homes = [];
    private readonly List<RunningCommand> _processes = [];

    [NetworkNamespaceFact]
    public async Task Two_serve_processes_on_different_ports_find_each_other_and_one_with_no_mdns_is_not_seen()
    {
        (string home, string fingerprint)[] servers = [Home("a"), Home("b"), Home("c")];
        // Build the CLI (if sources changed) out here, so no build runs inside the namespace.
        (int warmExit, _, string warmErr) = await OpendeskCli.RunAsync("discover", "--help");
        Assert.True(warmExit == 0, warmErr);
        using NetworkNamespace ns = NetworkNamespace.Create();
        try
        {
            RunningCommand a = Start(ns, "serve", "--home", servers[0].home, "--port", "8423", "--no-desktop");
            RunningCommand b = Start(ns, "serve", "--home", servers[1].home, "--port", "8424", "--no-desktop");
            RunningCommand c = Start(ns, "serve", "--home", servers[2].home, "--port", "8425", "--no-mdns", "--no-desktop");
            await Task.WhenAll(
                a.WaitForOutputAsync("opendesk serve listening on 0.0.0.0:8423"),
                b.WaitForOutputAsync("opendesk serve listening on 0.0.0.0:8424"),
                c.WaitForOutputAsync("opendesk serve listening on 0.0.0.0:8425"));

            RunningCommand discover = Start(ns, "discover", "--timeout", "2.0");
            Assert.Equal(0, await discover.WaitForExitAsync(seconds: 30));

            string[] lines = discover.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("NAME                      ADDR                    FINGERPRINT             DESCRIPTION", lines[0]);
            Assert.Equal(3, lines.Length);
            string hostName = System.Net.Dns.GetHostName();
            foreach ((string port, string fingerprint, string description) in new[] { ("8423", servers[0].fingerprint, "desk a"), ("8424", servers[1].fingerprint, "desk b") })
            {
                string row = Assert.Single(lines, l => l.Contains(fingerprint, StringComparison.Ordinal));
                string name = $"{hostName}-{fingerprint.Replace(":", "", StringComparison.Ordinal)[..6]}";
                Assert.Equal($"{name,-24}  {"127.0.0.1:" + port,-22}  {fingerprint,-22}  {description}", row);
            }

            Assert.DoesNotContain(lines, l => l.Contains(servers[2].fingerprint, StringComparison.Ordinal));
        }
        finally
        {
            // Processes keep a namespace alive after its name is deleted: stop them first.
            StopAll();
        }
    }

    public void Dispose()
    {
        StopAll();
        foreach (string home in _homes)
        {
            try
            {
                Directory.Delete(home, recursive: true);
            }
            catch (IOException)
            {
                // A server that was killed may still be releasing its files; the temp directory is only litter.
            }
        }
    }

    private static string? FindLauncher()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "opendesk");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "OpenDesk.slnx")))
            {
                return candidate;
            }
        }

        return null;
    }

    private RunningCommand Start(NetworkNamespace ns, params string[] args)
    {
        string launcher = FindLauncher() ?? throw new FileNotFoundException("the opendesk launcher was not found above the test directory");
        var info = new ProcessStartInfo(NetworkNamespace.IpTool ?? "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string arg in (string[])["netns", "exec", ns.Name, launcher, .. args])
        {
            info.ArgumentList.Add(arg);
        }

        // The servers need no desktop for this, and an X display would only slow their start.
        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("WAYLAND_DISPLAY");
        var command = new RunningCommand(Process.Start(info) ?? throw new InvalidOperationException("could not start ip netns exec"), args);
        _processes.Add(command);
        return command;
    }

    private void StopAll()
    {
        foreach (RunningCommand process in _processes)
        {
            process.Dispose();
        }

        _processes.Clear();
    }

    /// <summary>A server home with an identity, one trusted controller (serve refuses to start without) and a description.</summary>
    private (string Home, string Fingerprint) Home(string label)
    {
        string path = Path.Combine(Path.GetTempPath(), $"od-mdns-{label}-{Guid.NewGuid().ToString("N")[..8]}");
        _homes.Add(path);
        var home = new OpenDeskHome(path);
        Identity identity = Identity.LoadOrCreate(home);
        new TrustStore(home).Add(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), "controller", PeerRole.Controller);
        File.WriteAllText(home.DescriptionPath, "desk " + label);
        return (path, identity.Fingerprint);
    }
}
