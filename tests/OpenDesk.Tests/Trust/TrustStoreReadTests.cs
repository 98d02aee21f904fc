using System.Text;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Trust;

public class TrustStoreReadTests
{
    private const string KeyA = "f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e";
    private const string KeyB = "22125b760d7d4a65e4f721ded393ea5ab6c680768b024080e08c78282c105b14";
    private const string KeyC = "7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13";

    [Fact]
    public void Missing_file_is_an_empty_store_and_reading_creates_nothing()
    {
        using var temp = new TempHome();
        var store = temp.NewStore();

        Assert.Empty(store.List());
        Assert.Null(store.FindByName("laptop"));
        Assert.Null(store.FindByKey(KeyA));
        Assert.False(store.IsTrustedController(VectorFiles.Hex(KeyA)));
        Assert.Null(store.GetDefaultPeer());
        Assert.Empty(Directory.GetFileSystemEntries(temp.HomePath));
    }

    [Fact]
    public void Empty_file_is_an_empty_store()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, " \n");

        Assert.Empty(temp.NewStore().List());
    }

    [Theory]
    [InlineData("[{\"public_key\": ")]
    [InlineData("not json")]
    [InlineData("{\"public_key\": \"f461445639c002c037b54f7576bead7f2afe9a3af518bfd7370230d38982367e\"}")]
    [InlineData("\"[]\"")]
    [InlineData("[] []")]
    public void Corrupt_file_is_reported_and_never_overwritten(string content)
    {
        using var temp = new TempHome();
        var path = temp.Home.TrustedPeersPath;
        File.WriteAllText(path, content);
        var store = temp.NewStore();

        var e = Assert.Throws<TrustStoreException>(() => store.List());
        Assert.StartsWith($"trusted-peers.json at {path} is corrupt: ", e.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Fix or move it away; it was not modified.", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("..", e.Message, StringComparison.Ordinal);

        Assert.Throws<TrustStoreException>(() => store.Add(VectorFiles.Hex(KeyA), "laptop", PeerRole.Controller));
        Assert.Throws<TrustStoreException>(() => store.Remove("laptop"));
        Assert.Throws<TrustStoreException>(() => store.CacheEndpoint(VectorFiles.Hex(KeyA), "h", 1));
        Assert.Throws<TrustStoreException>(() => store.IsTrustedController(VectorFiles.Hex(KeyA)));
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Fact]
    public void Bad_entries_are_skipped_and_nulls_read_as_defaults()
    {
        using var temp = new TempHome();
        var upper = KeyC.ToUpperInvariant();
        File.WriteAllText(temp.Home.TrustedPeersPath, $$"""
            [
              {"name": "no key"},
              {"public_key": null, "name": "null key"},
              {"public_key": "{{KeyA[..62]}}", "name": "short key"},
              {"public_key": "{{KeyA[..63]}}g", "name": "not hex"},
              {"public_key": 42, "name": "numeric key"},
              {"public_key": "{{KeyA}}", "name": "iso", "paired_at": "2024-03-09T16:00:00Z"},
              {"public_key": "{{KeyA}}", "name": "bad port", "last_port": "eighty"},
              {"public_key": "{{KeyA}}", "name": "fractional port", "last_port": 80.5},
              {"public_key": "{{KeyA}}", "name": ["not", "a", "string"]},
              "not an object",
              17,
              {"public_key": "{{KeyA}}", "name": null, "role": null, "paired_at": null, "description": null,
               "description_override": null, "last_host": null, "last_port": null},
              {"publicKey": "{{KeyB}}", "name": "js", "pairedAt": 1710000000, "descriptionOverride": "label",
               "lastHost": "10.0.0.2", "lastPort": 8423, "fingerprint": "ignored"},
              {"public_key": "{{upper}}", "name": "upper", "paired_at": "1710000000.25", "last_port": "8423", "role": "remote"}
            ]
            """);

        var peers = temp.NewStore().List();

        Assert.Equal(3, peers.Count);
        Assert.Equal(new TrustedPeer { PublicKey = KeyA }, peers[0]);
        Assert.Equal(
            new TrustedPeer { PublicKey = KeyB, Name = "js", PairedAt = 1710000000, DescriptionOverride = "label", LastHost = "10.0.0.2", LastPort = 8423 },
            peers[1]);
        Assert.Equal(
            new TrustedPeer { PublicKey = KeyC, Name = "upper", PairedAt = 1710000000.25, LastPort = 8423, Role = PeerRole.Remote },
            peers[2]);
    }

    [Fact]
    public void Snake_case_wins_over_camel_case_and_later_duplicates_win()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, $$"""
            [{"publicKey": "{{KeyB}}", "public_key": "{{KeyA}}", "lastPort": 1, "last_port": 2, "name": "first", "name": "second"}]
            """);

        var peer = Assert.Single(temp.NewStore().List());

        Assert.Equal(KeyA, peer.PublicKey);
        Assert.Equal(2, peer.LastPort);
        Assert.Equal("second", peer.Name);
    }

    [Fact]
    public void Js_sdk_file_without_roles_reads_as_legacy_entries_trusted_both_ways()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, $$"""
            [{"public_key": "{{KeyA}}", "name": "js", "paired_at": 1710000000.5, "description": "", "description_override": "", "last_host": "", "last_port": 0}]
            """);

        var store = temp.NewStore();

        Assert.Equal(PeerRole.Legacy, store.FindByName("js")!.Role);
        Assert.True(store.IsTrustedController(VectorFiles.Hex(KeyA)));
    }

    [Fact]
    public void Invalid_utf8_is_corrupt_and_left_alone()
    {
        using var temp = new TempHome();
        var content = Encoding.ASCII.GetBytes($$"""[{"public_key": "{{KeyA}}", "name": "X"}]""");
        content[Array.IndexOf(content, (byte)'X')] = 0xff;
        File.WriteAllBytes(temp.Home.TrustedPeersPath, content);
        var store = temp.NewStore();

        var e = Assert.Throws<TrustStoreException>(() => store.Add(VectorFiles.Hex(KeyB), "b", PeerRole.Remote));

        Assert.Contains("is corrupt: the file is not valid UTF-8. Fix or move it away", e.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllBytes(temp.Home.TrustedPeersPath));
    }

    [Fact]
    public void Entry_with_an_undecodable_lone_surrogate_is_skipped()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, $$"""
            [{"public_key": "{{KeyA}}", "name": "bad \ud800"}, {"public_key": "{{KeyB}}", "n\udc00": 1, "name": "x"}, {"public_key": "{{KeyC}}", "name": "ok"}]
            """);

        Assert.Equal(["ok"], temp.NewStore().List().Select(p => p.Name));
    }

    [Fact]
    public void Utf8_bom_is_tolerated()
    {
        using var temp = new TempHome();
        File.WriteAllText(temp.Home.TrustedPeersPath, $$"""[{"public_key": "{{KeyA}}", "name": "bom"}]""", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        Assert.Equal("bom", Assert.Single(temp.NewStore().List()).Name);
    }

    [Fact]
    public void Every_query_rereads_the_file()
    {
        using var temp = new TempHome();
        var daemon = temp.NewStore();
        Assert.Null(daemon.FindByKey(KeyA));

        temp.NewStore().Add(VectorFiles.Hex(KeyA), "laptop", PeerRole.Controller);
        Assert.True(daemon.IsTrustedController(VectorFiles.Hex(KeyA)));
        Assert.Equal("laptop", daemon.FindByKey(VectorFiles.Hex(KeyA))!.Name);

        File.WriteAllText(temp.Home.TrustedPeersPath, "[]");
        Assert.False(daemon.IsTrustedController(VectorFiles.Hex(KeyA)));
        Assert.Empty(daemon.List());
    }
}
