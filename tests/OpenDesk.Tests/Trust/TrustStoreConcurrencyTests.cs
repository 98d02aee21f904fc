using System.Diagnostics;
using System.Security.Cryptography;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class TrustStoreConcurrencyTests
{
    [Fact]
    public async Task Parallel_writers_with_separate_stores_lose_no_update()
    {
        using var temp = new TempHome();
        using var start = new Barrier(2);

        var writers = Enumerable.Range(0, 2).Select(writer => Task.Factory.StartNew(
            () =>
            {
                var store = temp.NewStore();
                start.SignalAndWait();
                for (int i = 0; i < 50; i++)
                {
                    store.Add(RandomNumberGenerator.GetBytes(32), $"w{writer}-{i}", PeerRole.Controller);
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default));
        await Task.WhenAll(writers);

        var names = temp.NewStore().List().Select(p => p.Name).ToHashSet();
        Assert.Equal(100, names.Count);
        Assert.All(Enumerable.Range(0, 2).SelectMany(w => Enumerable.Range(0, 50).Select(i => $"w{w}-{i}")), n => Assert.Contains(n, names));
    }

    [Fact]
    public async Task Mixed_concurrent_operations_stay_consistent()
    {
        using var temp = new TempHome();
        var keys = Enumerable.Range(0, 20).Select(_ => RandomNumberGenerator.GetBytes(32)).ToArray();
        foreach (var key in keys)
        {
            temp.NewStore().Add(key, "", PeerRole.Remote);
        }

        var tasks = keys.Select((key, i) => Task.Run(() =>
        {
            var store = temp.NewStore();
            store.CacheEndpoint(key, $"10.0.0.{i}", 8000 + i);
            store.CacheDescription(key, $"machine {i}");
            store.SetDescriptionOverride(Fingerprint.DefaultName(key), $"label {i}");
        }));
        await Task.WhenAll(tasks);

        var peers = temp.NewStore().List();
        Assert.Equal(20, peers.Count);
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new TrustedPeer
            {
                PublicKey = VectorFiles.ToHex(keys[i]),
                Name = Fingerprint.DefaultName(keys[i]),
                Role = PeerRole.Remote,
                PairedAt = peers[i].PairedAt,
                Description = $"machine {i}",
                DescriptionOverride = $"label {i}",
                LastHost = $"10.0.0.{i}",
                LastPort = 8000 + i,
            }, peers[i]);
        }
    }

    /// <summary>
    /// The lock must hold against other processes, not just other threads: a process holding <c>flock</c> on
    /// the lock file (as a second opendesk process would) delays a writer until it lets go.
    /// </summary>
    [Fact]
    public void Writer_waits_for_a_lock_held_by_another_process()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/flock"))
        {
            return;
        }

        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(RandomNumberGenerator.GetBytes(32), "before", PeerRole.Remote);
        var start = new ProcessStartInfo("/usr/bin/flock")
        {
            ArgumentList = { "--exclusive", store.FilePath + ".lock", "-c", "echo locked; sleep 1.5" },
            RedirectStandardOutput = true,
        };
        using var holder = Process.Start(start)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());

        var clock = Stopwatch.StartNew();
        store.Add(RandomNumberGenerator.GetBytes(32), "after", PeerRole.Remote);
        clock.Stop();
        holder.WaitForExit();

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"the write went ahead after {clock.Elapsed} while another process held the lock");
        Assert.Equal(["before", "after"], store.List().Select(p => p.Name));
    }
}
