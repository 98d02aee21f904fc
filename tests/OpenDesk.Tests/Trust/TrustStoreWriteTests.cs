using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class TrustStoreWriteTests
{
    private static readonly byte[] KeyA = VectorFiles.Hex("f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e");
    private static readonly byte[] KeyB = VectorFiles.Hex("22125b760d7d4a65e4f721ded393ea5ab6c680768b024080e08c78282c105b14");
    private static readonly byte[] KeyC = VectorFiles.Hex("7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13");

    [Fact]
    public void Add_appends_new_peers_stamped_now_with_a_default_name()
    {
        using var temp = new TempHome();
        var store = temp.NewStore(new FixedTimeProvider(1710000000.25));

        var added = store.Add(KeyA, "", PeerRole.Controller);
        store.Add(KeyB, "office", PeerRole.Remote);

        Assert.Equal(new TrustedPeer { PublicKey = VectorFiles.ToHex(KeyA), Name = "peer-f46144", Role = PeerRole.Controller, PairedAt = 1710000000.25 }, added);
        Assert.Equal(["peer-f46144", "office"], store.List().Select(p => p.Name));
        Assert.Equal(KeyA, added.PublicKeyBytes);
        Assert.Equal("f461:4456:39c0:02c0", added.Fingerprint);
    }

    [Fact]
    public void Add_of_a_known_key_updates_in_place_and_keeps_paired_at()
    {
        using var temp = new TempHome();
        var clock = new FixedTimeProvider(1000.5);
        var store = temp.NewStore(clock);
        store.Add(KeyA, "laptop", PeerRole.Controller);
        store.Add(KeyB, "office", PeerRole.Remote);
        store.CacheEndpoint(KeyA, "10.0.0.1", 8423);
        clock.Now = 2000.5;

        var unchanged = store.Add(KeyA, "", PeerRole.Legacy);
        var renamed = store.Add(KeyA, "work laptop", PeerRole.Legacy);
        var reroled = store.Add(KeyA, "", PeerRole.Remote);

        Assert.Equal("laptop", unchanged.Name);
        Assert.Equal(PeerRole.Controller, unchanged.Role);
        Assert.Equal("work laptop", renamed.Name);
        Assert.Equal(PeerRole.Controller, renamed.Role);
        Assert.Equal(
            new TrustedPeer { PublicKey = VectorFiles.ToHex(KeyA), Name = "work laptop", Role = PeerRole.Remote, PairedAt = 1000.5, LastHost = "10.0.0.1", LastPort = 8423 },
            reroled);
        Assert.Equal([reroled, store.FindByName("office")!], store.List());
    }

    [Fact]
    public void Add_rejects_bad_keys_and_roles()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();

        Assert.Throws<ArgumentException>(() => store.Add(new byte[31], "x", PeerRole.Remote));
        Assert.Throws<ArgumentException>(() => store.Add(KeyA, "x", "admin"));
        Assert.False(File.Exists(store.FilePath));
    }

    [Fact]
    public void Written_file_is_0600_and_leaves_no_temporary_files()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();

        store.Add(KeyA, "laptop", PeerRole.Controller);
        store.Add(KeyB, "office", PeerRole.Remote);

        Assert.Equal(
            ["trusted-peers.json", "trusted-peers.json.lock"],
            Directory.GetFiles(temp.HomePath).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }
    }

    [Fact]
    public void Rewrite_tightens_an_upstream_file_to_0600()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempHome();
        var store = temp.NewStore();
        File.WriteAllText(store.FilePath, "[]");
        File.SetUnixFileMode(store.FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        store.Add(KeyA, "laptop", PeerRole.Controller);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
    }

    [Fact]
    public void Remove_drops_every_match_by_name_or_key()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "twin", PeerRole.Controller);
        store.Add(KeyB, "twin", PeerRole.Remote);
        store.Add(KeyC, "other", PeerRole.Remote);

        Assert.False(store.Remove("nobody"));
        Assert.False(store.Remove(""));
        Assert.True(store.Remove("twin"));
        Assert.Equal(["other"], store.List().Select(p => p.Name));
        Assert.True(store.Remove(VectorFiles.ToHex(KeyC).ToUpperInvariant()));
        Assert.Empty(store.List());
    }

    [Fact]
    public void Remove_deletes_default_peer_only_when_it_named_a_removed_peer()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);
        store.Add(KeyB, "office", PeerRole.Remote);
        Assert.True(store.SetDefaultPeer("office"));

        store.Remove("laptop");
        Assert.Equal("office", store.GetDefaultPeer());

        store.Remove(VectorFiles.ToHex(KeyB));
        Assert.False(File.Exists(temp.Home.DefaultPeerPath));
        Assert.Null(store.GetDefaultPeer());
    }

    [Fact]
    public void Rename_keeps_every_other_field()
    {
        using var temp = new TempHome();
        var store = temp.NewStore(new FixedTimeProvider(1710000000.5));
        store.Add(KeyA, "laptop", PeerRole.Remote);
        store.CacheDescription(KeyA, "billing machine");
        store.CacheEndpoint(KeyA, "192.168.1.42", 8423);
        store.SetDescriptionOverride("laptop", "my label");
        var before = store.FindByName("laptop")!;

        Assert.False(store.Rename("nobody", "x"));
        Assert.True(store.Rename("laptop", "work"));
        Assert.Equal(before with { Name = "work" }, store.FindByName("work"));
        Assert.True(store.Rename(VectorFiles.ToHex(KeyA), "home"));
        Assert.Equal(before with { Name = "home" }, Assert.Single(store.List()));
        Assert.Throws<ArgumentException>(() => store.Rename("home", " "));
    }

    [Fact]
    public void Cached_description_ignores_empty_text()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);

        Assert.True(store.CacheDescription(KeyA, "billing machine"));
        Assert.False(store.CacheDescription(KeyA, ""));
        Assert.False(store.CacheDescription(KeyB, "unknown peer"));

        Assert.Equal("billing machine", store.FindByName("laptop")!.Description);
        Assert.Single(store.List());
    }

    [Fact]
    public void Endpoint_is_cached_per_key()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);

        Assert.True(store.CacheEndpoint(KeyA, "10.0.0.7", 9000));
        Assert.False(store.CacheEndpoint(KeyB, "10.0.0.8", 9000));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.CacheEndpoint(KeyA, "h", 65536));

        var peer = store.FindByKey(KeyA)!;
        Assert.Equal("10.0.0.7", peer.LastHost);
        Assert.Equal(9000, peer.LastPort);
    }

    [Fact]
    public void Description_override_wins_until_cleared()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);
        store.CacheDescription(KeyA, "broadcast");

        Assert.False(store.SetDescriptionOverride("nobody", "x"));
        Assert.True(store.SetDescriptionOverride("laptop", "mine"));
        Assert.Equal("mine", store.FindByName("laptop")!.EffectiveDescription);
        Assert.True(store.ClearDescriptionOverride("laptop"));
        Assert.Equal("", store.FindByName("laptop")!.DescriptionOverride);
        Assert.Equal("broadcast", store.FindByName("laptop")!.EffectiveDescription);
    }

    [Fact]
    public void Controller_trust_follows_the_role()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "ctl", PeerRole.Controller);
        store.Add(KeyB, "rem", PeerRole.Remote);
        store.Add(KeyC, "old", PeerRole.Legacy);

        Assert.True(store.IsTrustedController(KeyA));
        Assert.False(store.IsTrustedController(KeyB));
        Assert.True(store.IsTrustedController(KeyC));
        Assert.False(store.IsTrustedController(new byte[32]));
    }

    [Fact]
    public void Default_peer_must_exist_and_is_stored_as_one_line()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);

        Assert.False(store.SetDefaultPeer("nobody"));
        Assert.False(File.Exists(temp.Home.DefaultPeerPath));
        Assert.True(store.SetDefaultPeer("laptop"));
        Assert.Equal("laptop\n", File.ReadAllText(temp.Home.DefaultPeerPath));
        Assert.Equal("laptop", store.GetDefaultPeer());

        File.WriteAllText(temp.Home.DefaultPeerPath, "  laptop \r\n\n");
        Assert.Equal("laptop", store.GetDefaultPeer());
        File.WriteAllText(temp.Home.DefaultPeerPath, "gone\n");
        Assert.Null(store.GetDefaultPeer());
        File.WriteAllText(temp.Home.DefaultPeerPath, "");
        Assert.Null(store.GetDefaultPeer());

        Assert.True(store.ClearDefaultPeer());
        Assert.False(File.Exists(temp.Home.DefaultPeerPath));
        Assert.False(store.ClearDefaultPeer());
    }

    [Fact]
    public void Unchanged_updates_do_not_rewrite_the_file()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();
        store.Add(KeyA, "laptop", PeerRole.Remote);
        store.CacheEndpoint(KeyA, "10.0.0.1", 8423);
        var stamp = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(store.FilePath, stamp);

        store.Add(KeyA, "laptop", PeerRole.Remote);
        store.CacheEndpoint(KeyA, "10.0.0.1", 8423);

        Assert.Equal(stamp, File.GetLastWriteTimeUtc(store.FilePath));
    }
}
