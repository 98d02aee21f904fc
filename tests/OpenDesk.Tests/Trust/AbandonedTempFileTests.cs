using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

/// <summary>
/// A writer killed between creating its temporary file and renaming it leaves <c>&lt;file&gt;.&lt;12 hex&gt;</c> behind;
/// the next writer of that file, holding the lock every writer takes, removes exactly those and nothing else.
/// </summary>
public class AbandonedTempFileTests
{
    private static readonly byte[] Key = VectorFiles.Hex("f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e");

    /// <summary>Names that look alike but are not a temporary file of any target: wrong case, length or separator, or another file's.</summary>
    private static readonly string[] Bystanders =
    [
        "trusted-peers.json.lock",
        "trusted-peers.json.bak",
        "trusted-peers.json.0123456789AB",
        "trusted-peers.json.0123456789a",
        "trusted-peers.json.0123456789abc",
        "trusted-peers.json-0123456789ab",
        "xtrusted-peers.json.0123456789ab",
        "default-peer.0123456789ag",
        "description.txt.0123456789ab",
        "notes.txt",
    ];

    [Fact]
    public void A_trust_store_write_removes_leftover_temp_files_of_the_store_and_the_default_peer_only()
    {
        using var temp = new TempHome();
        var leftovers = new[] { "trusted-peers.json.0123456789ab", "trusted-peers.json.fedcba987654", "default-peer.00aa11bb22cc" };
        foreach (var name in leftovers.Concat(Bystanders).Append("identity.key.0123456789ab"))
        {
            File.WriteAllText(Path.Combine(temp.HomePath, name), "half a write");
        }

        // A directory with a temp file's name is not something a writer of ours could have made.
        Directory.CreateDirectory(Path.Combine(temp.HomePath, "trusted-peers.json.aaaaaaaaaaaa"));

        temp.NewStore().Add(Key, "laptop", PeerRole.Controller);

        foreach (var name in leftovers)
        {
            Assert.False(File.Exists(Path.Combine(temp.HomePath, name)), $"{name} was left behind");
        }

        foreach (var name in Bystanders.Append("identity.key.0123456789ab"))
        {
            Assert.Equal("half a write", File.ReadAllText(Path.Combine(temp.HomePath, name)));
        }

        Assert.True(Directory.Exists(Path.Combine(temp.HomePath, "trusted-peers.json.aaaaaaaaaaaa")));
        Assert.Equal("laptop", Assert.Single(temp.NewStore().List()).Name);
    }

    [Fact]
    public void Setting_the_default_peer_removes_its_leftover_temp_files()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(Key, "laptop", PeerRole.Remote);
        var leftover = Path.Combine(temp.HomePath, "default-peer.0123456789ab");
        File.WriteAllText(leftover, "half a write");

        Assert.True(store.SetDefaultPeer("laptop"));

        Assert.False(File.Exists(leftover));
        Assert.Equal("laptop", store.GetDefaultPeer());
    }

    [Fact]
    public void Creating_the_identity_removes_private_keys_a_killed_creator_left_and_nothing_else()
    {
        using var temp = new TempHome();
        var leftovers = new[] { "identity.key.0123456789ab", "identity.key.abcdefabcdef" };
        foreach (var name in leftovers)
        {
            File.WriteAllBytes(Path.Combine(temp.HomePath, name), new byte[32]);
        }

        var bystanders = new[] { "identity.key.lock.0123456789ab", "identity.key.0123456789abcd", "identity.key.backup", "trusted-peers.json.0123456789ab" };
        foreach (var name in bystanders)
        {
            File.WriteAllText(Path.Combine(temp.HomePath, name), "keep me");
        }

        var identity = Identity.LoadOrCreate(temp.Home);

        foreach (var name in leftovers)
        {
            Assert.False(File.Exists(Path.Combine(temp.HomePath, name)), $"{name} was left behind");
        }

        foreach (var name in bystanders)
        {
            Assert.Equal("keep me", File.ReadAllText(Path.Combine(temp.HomePath, name)));
        }

        Assert.Equal(identity.PublicKeyHex, Identity.LoadOrCreate(temp.Home).PublicKeyHex);
    }

    [Fact]
    public async Task The_temp_name_a_real_write_uses_is_one_the_next_write_removes()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        var created = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using (var watcher = new FileSystemWatcher(temp.HomePath) { IncludeSubdirectories = false })
        {
            watcher.Created += (_, e) => created.Enqueue(e.Name ?? "");
            watcher.EnableRaisingEvents = true;
            store.Add(Key, "laptop", PeerRole.Controller);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!created.Any(name => name.StartsWith("trusted-peers.json.", StringComparison.Ordinal) && name != "trusted-peers.json.lock"))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no temporary file was seen; created: {string.Join(", ", created)}");
                await Task.Delay(20);
            }
        }

        // Recreate that very name, as if this writer had been killed before its rename.
        var used = created.First(name => name.StartsWith("trusted-peers.json.", StringComparison.Ordinal) && name != "trusted-peers.json.lock");
        File.WriteAllText(Path.Combine(temp.HomePath, used), "half a write");

        store.Add(Key, "desk", PeerRole.Controller);

        Assert.False(File.Exists(Path.Combine(temp.HomePath, used)));
    }
}
