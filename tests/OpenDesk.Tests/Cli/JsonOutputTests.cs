using System.Text.Json;
using OpenDesk.Cli.Commands;
using OpenDesk.Cli.Json;
using OpenDesk.Server.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Cli;

/// <summary>
/// What <c>--json</c> prints: snake_case keys in a stable order, through the generated serializers the native
/// build relies on (the native build itself is exercised by scripts/test.sh).
/// </summary>
public sealed class JsonOutputTests
{
    private const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Peers_lists_every_trusted_peer_with_its_effective_description_and_the_default_marked()
    {
        var peers = new[]
        {
            new TrustedPeer { PublicKey = Key, Name = "office", Role = PeerRole.Remote, PairedAt = 1764880000.5, Description = "broadcast", DescriptionOverride = "billing PC <2nd floor>", LastHost = "10.0.0.7", LastPort = 8423 },
            new TrustedPeer { PublicKey = new string('f', 64), Name = "laptop", Role = PeerRole.Controller, Description = "ünïcødé" },
        };

        using var json = Parse(OpenDesk.Cli.Cli.ToJson(PeersCommand.Listing(peers, "laptop"), CliJsonContext.Default.IReadOnlyListPeerListing));

        Assert.Equal(2, json.RootElement.GetArrayLength());
        var office = json.RootElement[0];
        Assert.Equal(["name", "public_key", "fingerprint", "role", "last_host", "last_port", "description", "paired_at", "default"], office.EnumerateObject().Select(p => p.Name));
        Assert.Equal("office", office.GetProperty("name").GetString());
        Assert.Equal(Key, office.GetProperty("public_key").GetString());
        Assert.Equal(peers[0].Fingerprint, office.GetProperty("fingerprint").GetString());
        Assert.Equal(PeerRole.Remote, office.GetProperty("role").GetString());
        Assert.Equal("10.0.0.7", office.GetProperty("last_host").GetString());
        Assert.Equal(8423, office.GetProperty("last_port").GetInt32());
        Assert.Equal("billing PC <2nd floor>", office.GetProperty("description").GetString());
        Assert.Equal(1764880000.5, office.GetProperty("paired_at").GetDouble());
        Assert.False(office.GetProperty("default").GetBoolean());
        Assert.Equal("ünïcødé", json.RootElement[1].GetProperty("description").GetString());
        Assert.True(json.RootElement[1].GetProperty("default").GetBoolean());
    }

    [Fact]
    public void No_trusted_peers_is_an_empty_array()
    {
        Assert.Equal("[]", OpenDesk.Cli.Cli.ToJson(PeersCommand.Listing([], null), CliJsonContext.Default.IReadOnlyListPeerListing));
    }

    [Fact]
    public void Sessions_prints_each_session_with_its_peer_under_the_keys_peers_uses()
    {
        IReadOnlyList<AdminSession> sessions = [new AdminSession("c4950b99", "laptop", Key, "127.0.0.1:54748", 1764880000.25, 12.5, "control")];

        using var json = Parse(OpenDesk.Cli.Cli.ToJson(SessionsCommand.Listing(sessions), CliJsonContext.Default.IReadOnlyListSessionListing));

        var session = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(["id", "peer", "remote_address", "started_at", "age_seconds", "mode"], session.EnumerateObject().Select(p => p.Name));
        Assert.Equal("c4950b99", session.GetProperty("id").GetString());
        Assert.Equal(12.5, session.GetProperty("age_seconds").GetDouble());

        // The same names peers --json uses for the same things.
        var peer = session.GetProperty("peer");
        Assert.Equal(["name", "public_key", "fingerprint"], peer.EnumerateObject().Select(p => p.Name));
        Assert.Equal("laptop", peer.GetProperty("name").GetString());
        Assert.Equal(Key, peer.GetProperty("public_key").GetString());
        Assert.Equal("0123:4567:89ab:cdef", peer.GetProperty("fingerprint").GetString());
    }

    [Fact]
    public void Discover_and_connect_print_their_shapes_with_snake_case_keys()
    {
        IReadOnlyList<DiscoveredPeerListing> found = [new DiscoveredPeerListing("desk", "fe80::1", 8423, "0123:4567:89ab:cdef", Key, "billing", "ws://[fe80::1]:8423")];
        using var discovered = Parse(OpenDesk.Cli.Cli.ToJson(found, CliJsonContext.Default.IReadOnlyListDiscoveredPeerListing));
        using var connected = Parse(OpenDesk.Cli.Cli.ToJson(new ConnectSummary("office", "local/linux", ["display.capture", "input.pointer"], "billing"), CliJsonContext.Default.ConnectSummary));

        Assert.Equal(["name", "host", "port", "fingerprint", "public_key", "description", "url"], discovered.RootElement[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal("ws://[fe80::1]:8423", discovered.RootElement[0].GetProperty("url").GetString());
        Assert.Equal(["peer", "backend", "capabilities", "description", "screenshot"], connected.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, connected.RootElement.GetProperty("screenshot").ValueKind);
        Assert.Equal(["display.capture", "input.pointer"], connected.RootElement.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    private static JsonDocument Parse(string json) => JsonDocument.Parse(json);
}
