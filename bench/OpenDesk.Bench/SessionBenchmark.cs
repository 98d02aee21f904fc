using System.Diagnostics;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Server;
using OpenDesk.Trust;

namespace OpenDesk.Bench;

/// <summary>
/// The single-controller cycle against a real server on loopback, repeated: A connects, B is refused with
/// BUSY, A reconnects (bump), an admin disconnect frees the slot. Prints the median bump and free times.
/// </summary>
internal static class SessionBenchmark
{
    public static async Task RunAsync(int cycles)
    {
        var root = Path.Combine(Path.GetTempPath(), $"od-bench-{Guid.NewGuid().ToString("N")[..8]}");
        var serverHome = new OpenDeskHome(Path.Combine(root, "s"));
        var homes = new[] { "a", "b" }.Select(n => new OpenDeskHome(Path.Combine(root, n))).ToArray();
        try
        {
            await using var server = await OpenDeskServer.StartAsync(new ServerOptions { Home = serverHome, Computer = new HeadlessComputer(), Host = "127.0.0.1", Port = 0 });
            foreach (var (home, name) in homes.Zip(["a", "b"]))
            {
                new TrustStore(serverHome).Add(Identity.LoadOrCreate(home).PublicKey, name, PeerRole.Controller);
            }

            var url = $"ws://127.0.0.1:{server.Port}#{server.Identity.PublicKeyHex}";
            RemoteComputerOptions Options(OpenDeskHome home) => new() { Home = home.Path, AutoReconnect = false };
            var bumps = new List<double>(cycles);
            var frees = new List<double>(cycles);
            var busyRefusals = 0;
            for (var i = 0; i < cycles; i++)
            {
                var first = await RemoteComputer.ConnectAsync(url, Options(homes[0]));
                try
                {
                    await using var intruder = await RemoteComputer.ConnectAsync(url, Options(homes[1]));
                    throw new InvalidOperationException("a second controller was admitted");
                }
                catch (ProtocolException ex) when (ex.Code == ErrorCodes.Busy)
                {
                    busyRefusals++;
                }

                var bump = Stopwatch.StartNew();
                var second = await RemoteComputer.ConnectAsync(url, Options(homes[0]));
                await first.Disconnected;
                bump.Stop();
                bumps.Add(bump.Elapsed.TotalMilliseconds);
                if (!first.IsEvicted || server.Sessions.Count != 1)
                {
                    throw new InvalidOperationException("the bump did not leave exactly one session");
                }

                var free = Stopwatch.StartNew();
                await server.KillAllAsync("admin_disconnect");
                while (server.Sessions.Count != 0)
                {
                    await Task.Yield();
                }

                free.Stop();
                frees.Add(free.Elapsed.TotalMilliseconds);
                await first.DisposeAsync();
                await second.DisposeAsync();
            }

            Console.WriteLine($"single-controller cycle x{cycles} (BUSY refusals: {busyRefusals})");
            Stats.Print("same-peer bump (connect until old evicted) median", Stats.Ms(Stats.Percentile(bumps, 50)));
            Stats.Print("same-peer bump p99", Stats.Ms(Stats.Percentile(bumps, 99)));
            Stats.Print("disconnect frees the slot median", Stats.Ms(Stats.Percentile(frees, 50)));
            Stats.Print("disconnect frees the slot p99", Stats.Ms(Stats.Percentile(frees, 99)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
