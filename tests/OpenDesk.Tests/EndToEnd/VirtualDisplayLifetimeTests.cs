using System.Globalization;
using System.Text.RegularExpressions;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>serve --virtual-display</c> starts Xvfb, openbox, a session bus and the accessibility bus for itself; however
/// serve ends (Ctrl-C, SIGTERM, or SIGKILL, which runs none of its cleanup), they end with it and Xvfb takes its
/// socket with it. Ctrl-C in a terminal signals serve's whole process group, which must not take the display away
/// from under serve before it has shut down in order.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class VirtualDisplayLifetimeTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private readonly string _home = Path.Combine(Path.GetTempPath(), $"od-vdisp-{Guid.NewGuid().ToString("N")[..8]}");

    [XvfbTheory]
    [InlineData("KILL", false)]
    [InlineData("INT", false)]
    [InlineData("INT", true)]
    [InlineData("TERM", false)]
    public async Task The_virtual_display_ends_with_serve(string signal, bool toProcessGroup)
    {
        new TrustStore(new OpenDeskHome(_home)).Add(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "laptop", PeerRole.Controller);

        // An empty DISPLAY is no usable display, so serve starts its own.
        var environment = new Dictionary<string, string> { ["DISPLAY"] = "" };
        string[] args = ["serve", "--home", _home, "--host", "127.0.0.1", "--port", "0", "--no-mdns", "--virtual-display", "800x600"];
        using var serve = toProcessGroup ? OpendeskCli.StartInOwnProcessGroup(environment, args) : OpendeskCli.StartLongRunning(environment, args);
        await serve.WaitForOutputAsync("listening on", 120);
        var display = DisplayNumber().Match(serve.Output);
        Assert.True(display.Success, $"serve did not say which display it started:\n{serve.Output}");
        var socket = new FileInfo($"/tmp/.X11-unix/X{display.Groups[1].Value}");
        Assert.True(socket.Exists, $"no X socket at {socket.FullName}");
        var socketIdentity = ProcessTable.Identity(socket.FullName);

        var children = ProcessTable.ChildrenOf(serve.Pid);
        var xvfb = Assert.Single(children, c => c.Command == "Xvfb");
        var openbox = Assert.Single(children, c => c.Command == "openbox");
        var sessionBus = Assert.Single(children, c => c.Command == "dbus-daemon");
        var launcher = Assert.Single(children, c => c.Command.StartsWith("at-spi-bus-laun", StringComparison.Ordinal));

        // The launcher's own accessibility bus daemon is a grandchild; everything below serve must go.
        var desktop = ProcessTable.DescendantsOf(serve.Pid);
        Assert.Contains(desktop, p => p.Command == "dbus-daemon" && p.Parent == launcher.Pid);

        if (toProcessGroup)
        {
            serve.SignalProcessGroup(signal);
        }
        else
        {
            serve.Signal(signal);
        }

        var exit = await serve.WaitForExitAsync(30);
        if (signal != "KILL")
        {
            Assert.True(exit == 0, $"serve exited {exit} after SIG{signal}:\n{serve.Output}");
            Assert.Contains("Shutting down.", serve.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("ERROR", serve.Output, StringComparison.Ordinal);
        }

        var deadline = DateTime.UtcNow + Grace;
        while (desktop.Any(p => p.IsAlive))
        {
            Assert.True(DateTime.UtcNow < deadline, $"after SIG{signal} to serve, still running: {string.Join(", ", desktop.Where(p => p.IsAlive).Select(p => $"{p.Command} ({p.Pid})"))}");
            await Task.Delay(50);
        }

        Assert.False(xvfb.IsAlive || openbox.IsAlive || sessionBus.IsAlive || launcher.IsAlive);

        // Xvfb removes its socket only when it is allowed to exit cleanly; a later Xvfb may have reused the
        // display number, so the file counts as left behind only if it is the same one.
        Assert.NotEqual(socketIdentity, ProcessTable.Identity(socket.FullName));
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [GeneratedRegex(@"started a virtual display :(\d+) ")]
    private static partial Regex DisplayNumber();

    /// <summary>Processes as <c>/proc</c> shows them, identified by pid and start time so a reused pid is not mistaken for the original.</summary>
    private static class ProcessTable
    {
        public static IReadOnlyList<ProcessRecord> ChildrenOf(int parent) =>
            [.. Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? Read(pid) : null)
                .OfType<ProcessRecord>()
                .Where(p => p.Parent == parent)];

        /// <summary>Children, their children, and so on.</summary>
        public static IReadOnlyList<ProcessRecord> DescendantsOf(int ancestor)
        {
            var all = Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? Read(pid) : null)
                .OfType<ProcessRecord>()
                .ToList();
            var found = new List<ProcessRecord>();
            var parents = new Queue<int>([ancestor]);
            while (parents.TryDequeue(out var parent))
            {
                foreach (var child in all.Where(p => p.Parent == parent))
                {
                    found.Add(child);
                    parents.Enqueue(child.Pid);
                }
            }

            return found;
        }

        public static ProcessRecord? Read(int pid)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return null;
            }

            // "pid (comm) state ppid …": comm may contain spaces and parentheses, so split after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var fields = stat[(close + 2)..].Split(' ');
            return new ProcessRecord(
                pid,
                stat[(open + 1)..close],
                fields[0][0],
                int.Parse(fields[1], CultureInfo.InvariantCulture),
                ulong.Parse(fields[19], CultureInfo.InvariantCulture));
        }

        /// <summary>The file's device and inode, or null when it does not exist.</summary>
        public static string? Identity(string path)
        {
            var info = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%d:%i", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = System.Diagnostics.Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
    }

    private sealed record ProcessRecord(int Pid, string Command, char State, int Parent, ulong StartTime)
    {
        /// <summary>Still running: the same process (same start time) exists and is not a zombie waiting to be reaped.</summary>
        public bool IsAlive => ProcessTable.Read(Pid) is { } now && now.StartTime == StartTime && now.State is not ('Z' or 'X');
    }
}
