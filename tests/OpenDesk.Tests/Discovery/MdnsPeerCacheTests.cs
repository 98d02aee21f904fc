using System.Net;
using System.Text;
using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

public class MdnsPeerCacheTests
{
    private static readonly byte[] Key = Convert.FromHexString("9c2f1abcb3d48870" + new string('2', 48));
    private static readonly DnsName Instance = MdnsProtocol.ServiceType.Prepend("desk-9c2f1a");
    private static readonly DnsName Host = DnsName.Parse("desk-9c2f1a.local");

    private static DnsMessage Response(params DnsRecord[] records) => new() { Flags = DnsMessage.ResponseFlag, Answers = records };

    private static DnsPtrRecord Ptr(uint ttl = 4500) => new(MdnsProtocol.ServiceType, ttl, Instance);

    private static DnsSrvRecord Srv(ushort port = 8423) => new(Instance, 120, 0, 0, port, Host, cacheFlush: true);

    private static DnsTxtRecord Txt(byte[] key, string fp = "9c2f:1abc:b3d4:8870", string? desc = "lab desk")
    {
        var properties = new List<KeyValuePair<string, byte[]>> { new("v", "1"u8.ToArray()), new("pk", key), new("fp", Encoding.ASCII.GetBytes(fp)) };
        if (desc is not null)
        {
            properties.Add(new("desc", Encoding.UTF8.GetBytes(desc)));
        }

        return DnsTxtRecord.FromProperties(Instance, 4500, properties, cacheFlush: true);
    }

    private static DnsAddressRecord A(string address, uint ttl = 120) => new(Host, ttl, IPAddress.Parse(address), cacheFlush: true);

    [Fact]
    public void Records_in_separate_packets_resolve_step_by_step()
    {
        var cache = new MdnsPeerCache();

        cache.Add(Response(Ptr()));
        Assert.Equal([new DnsQuestion(Instance, DnsRecordType.Srv), new DnsQuestion(Instance, DnsRecordType.Txt)], cache.MissingQuestions());

        cache.Add(Response(Txt(Key)));
        cache.Add(Response(Srv()));
        Assert.Equal([new DnsQuestion(Host, DnsRecordType.A)], cache.MissingQuestions());
        Assert.Empty(cache.Peers());

        cache.Add(Response(A("192.0.2.9")));
        Assert.Empty(cache.MissingQuestions());
        DiscoveredPeer peer = Assert.Single(cache.Peers());
        Assert.Equal(("desk-9c2f1a", "192.0.2.9", 8423), (peer.Name, peer.Host, peer.Port));
        Assert.Equal(Key, peer.PublicKey);
        Assert.Equal("9c2f:1abc:b3d4:8870", peer.Fingerprint);
        Assert.Equal("lab desk", peer.Description);
        Assert.Equal("ws://192.0.2.9:8423", peer.Url);
        Assert.Equal(peer.Name, cache.Find(Key)?.Name);
        Assert.Null(cache.Find(new byte[32]));
    }

    [Fact]
    public void Queries_are_ignored()
    {
        var cache = new MdnsPeerCache();

        cache.Add(new DnsMessage { Answers = [Ptr(), Srv(), Txt(Key), A("192.0.2.9")] });

        Assert.Empty(cache.Peers());
        Assert.Empty(cache.MissingQuestions());
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void An_entry_whose_pk_is_not_32_bytes_is_skipped_and_not_asked_about(int length)
    {
        var cache = new MdnsPeerCache();

        cache.Add(Response(Ptr(), Srv(), Txt(new byte[length]), A("192.0.2.9")));

        Assert.Empty(cache.Peers());
        Assert.Empty(cache.MissingQuestions());
    }

    [Fact]
    public void An_entry_without_pk_is_skipped()
    {
        var cache = new MdnsPeerCache();
        var noKey = DnsTxtRecord.FromProperties(Instance, 4500, [new("v", "1"u8.ToArray())]);

        cache.Add(Response(Ptr(), Srv(), noKey, A("192.0.2.9")));

        Assert.Empty(cache.Peers());
    }

    [Fact]
    public void IPv4_is_preferred_and_IPv6_is_the_fallback_without_link_local()
    {
        var both = new MdnsPeerCache();
        both.Add(Response(Ptr(), Srv(), Txt(Key), A("fd00::9"), A("192.0.2.9")));
        var v6 = new MdnsPeerCache();
        v6.Add(Response(Ptr(), Srv(), Txt(Key), A("fe80::1"), A("fd00::9")));
        var linkLocalOnly = new MdnsPeerCache();
        linkLocalOnly.Add(Response(Ptr(), Srv(), Txt(Key), A("fe80::1")));

        Assert.Equal("192.0.2.9", Assert.Single(both.Peers()).Host);
        Assert.Equal("ws://[fd00::9]:8423", Assert.Single(v6.Peers()).Url);
        Assert.Empty(linkLocalOnly.Peers());
    }

    [Fact]
    public void The_fingerprint_is_derived_from_the_key_not_copied_from_TXT()
    {
        var cache = new MdnsPeerCache();

        cache.Add(Response(Ptr(), Srv(), Txt(Key, fp: "0000:0000:0000:0000", desc: null), A("192.0.2.9")));

        DiscoveredPeer peer = Assert.Single(cache.Peers());
        Assert.Equal("9c2f:1abc:b3d4:8870", peer.Fingerprint);
        Assert.Equal("", peer.Description);
    }

    [Fact]
    public void A_goodbye_removes_the_instance()
    {
        var cache = new MdnsPeerCache();
        cache.Add(Response(Ptr(), Srv(), Txt(Key), A("192.0.2.9")));

        cache.Add(Response(Ptr(ttl: 0)));

        Assert.Empty(cache.Peers());
        Assert.Null(cache.Find(Key));
    }

    [Fact]
    public void Addresses_of_hosts_that_are_no_SRV_target_are_not_kept()
    {
        var cache = new MdnsPeerCache();
        DnsRecord[] noise = [.. Enumerable.Range(0, 1000).Select(i => new DnsAddressRecord(DnsName.Parse($"printer-{i}.local"), 120, IPAddress.Loopback))];

        cache.Add(Response(noise));
        cache.Add(Response(Ptr(), Srv(), Txt(Key), A("192.0.2.9")));

        Assert.Single(cache.Peers());
    }

    [Fact]
    public void Peers_are_sorted_by_instance_name_and_duplicates_merge()
    {
        var cache = new MdnsPeerCache();
        DnsName other = MdnsProtocol.ServiceType.Prepend("alpha-000000");
        DnsName otherHost = DnsName.Parse("alpha-000000.local");
        byte[] otherKey = new byte[32];

        cache.Add(Response(Ptr(), Srv(), Txt(Key), A("192.0.2.9")));
        cache.Add(Response(Ptr(), Srv(), Txt(Key), A("192.0.2.9")));
        cache.Add(Response(
            new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, other),
            new DnsSrvRecord(other, 120, 0, 0, 9000, otherHost),
            DnsTxtRecord.FromProperties(other, 4500, [new("pk", otherKey)]),
            new DnsAddressRecord(otherHost, 120, IPAddress.Loopback)));

        Assert.Equal(["alpha-000000", "desk-9c2f1a"], cache.Peers().Select(p => p.Name));
    }
}
