using System.Net;
using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

public class DnsCodecTests
{
    private static readonly DnsName Instance = DnsName.Parse("desk-9c2f1a._opendesk._tcp.local.");
    private static readonly DnsName Host = DnsName.Parse("desk-9c2f1a.local.");

    [Fact]
    public void Every_record_type_survives_a_round_trip()
    {
        var message = new DnsMessage
        {
            Id = 0x1234,
            Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
            Questions = [new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr, UnicastResponse: true)],
            Answers = [new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, Instance)],
            Authorities = [new DnsSrvRecord(Instance, 120, 1, 2, 8423, Host, cacheFlush: true)],
            Additionals =
            [
                new DnsAddressRecord(Host, 120, IPAddress.Parse("192.0.2.7"), cacheFlush: true),
                new DnsAddressRecord(Host, 120, IPAddress.Parse("fd00::7")),
                DnsTxtRecord.FromProperties(Instance, 4500, [new("v", "1"u8.ToArray())]),
            ],
        };

        DnsMessage parsed = DnsMessage.Parse(message.Encode());

        Assert.Equal(0x1234, parsed.Id);
        Assert.True(parsed.IsResponse);
        DnsQuestion question = Assert.Single(parsed.Questions);
        Assert.Equal(MdnsProtocol.ServiceType, question.Name);
        Assert.Equal(DnsRecordType.Ptr, question.Type);
        Assert.True(question.UnicastResponse);
        var ptr = Assert.IsType<DnsPtrRecord>(Assert.Single(parsed.Answers));
        Assert.Equal(Instance, ptr.Target);
        Assert.Equal(4500u, ptr.Ttl);
        Assert.False(ptr.CacheFlush);
        var srv = Assert.IsType<DnsSrvRecord>(Assert.Single(parsed.Authorities));
        Assert.Equal((1, 2, 8423), (srv.Priority, srv.Weight, srv.Port));
        Assert.Equal(Host, srv.Target);
        Assert.True(srv.CacheFlush);
        Assert.Equal(3, parsed.Additionals.Count);
        Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.IsType<DnsAddressRecord>(parsed.Additionals[0]).Address);
        Assert.Equal(DnsRecordType.A, parsed.Additionals[0].Type);
        Assert.Equal(IPAddress.Parse("fd00::7"), Assert.IsType<DnsAddressRecord>(parsed.Additionals[1]).Address);
        Assert.Equal(DnsRecordType.Aaaa, parsed.Additionals[1].Type);
        Assert.True(Assert.IsType<DnsTxtRecord>(parsed.Additionals[2]).TryGetValue("v", out byte[] version));
        Assert.Equal("1"u8.ToArray(), version);
    }

    [Fact]
    public void A_binary_pk_value_comes_back_byte_for_byte()
    {
        // '=' bytes, NUL, invalid UTF-8: nothing in a key may be treated as text.
        byte[] key = [(byte)'=', 0x00, 0xFF, 0xC3, (byte)'=', .. Enumerable.Range(0, 27).Select(i => (byte)(i * 37))];
        var service = new MdnsServiceInfo("desk-3d0000", 8423, key, "");
        var txt = DnsTxtRecord.FromProperties(Instance, 4500, service.TxtProperties(), cacheFlush: true);

        var parsed = Assert.IsType<DnsTxtRecord>(DnsMessage.Parse(new DnsMessage { Answers = [txt] }.Encode()).Answers[0]);

        Assert.True(parsed.TryGetValue("pk", out byte[] pk));
        Assert.Equal(key, pk);
        Assert.True(parsed.TryGetValue("PK", out _));
        Assert.True(parsed.TryGetValue("fp", out byte[] fp));
        Assert.Equal("3d00:ffc3:3d00:254a", System.Text.Encoding.ASCII.GetString(fp));
        Assert.False(parsed.TryGetValue("desc", out _));
        Assert.Equal(["v", "pk", "fp"], parsed.Strings.Select(s => System.Text.Encoding.ASCII.GetString(s).Split('=')[0]));
    }

    [Fact]
    public void Repeated_names_are_compressed_on_write_and_expanded_on_read()
    {
        var message = new DnsMessage
        {
            Answers =
            [
                new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, Instance),
                new DnsSrvRecord(Instance, 120, 0, 0, 8423, Host),
                new DnsAddressRecord(Host, 120, IPAddress.Loopback),
            ],
        };

        byte[] packet = message.Encode();
        DnsMessage parsed = DnsMessage.Parse(packet);

        // Uncompressed the packet is 180 bytes: the instance name twice in full, the host name twice in full.
        Assert.Equal(111, packet.Length);
        Assert.Equal(Instance, Assert.IsType<DnsPtrRecord>(parsed.Answers[0]).Target);
        Assert.Equal(Instance, parsed.Answers[1].Name);
        Assert.Equal(Host, parsed.Answers[2].Name);
        Assert.Equal(["desk-9c2f1a", "_opendesk", "_tcp", "local"], Assert.IsType<DnsPtrRecord>(parsed.Answers[0]).Target.Labels);
    }

    [Fact]
    public void A_hand_made_compressed_message_is_read()
    {
        byte[] packet =
        [
            0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0,
            // offset 12: _opendesk._tcp.local
            9, .. "_opendesk"u8, 4, .. "_tcp"u8, 5, .. "local"u8, 0,
            0, 12, 0, 1, 0, 0, 0x11, 0x94, 0, 7,
            // rdata: "desk" then a pointer back to offset 12
            4, .. "desk"u8, 0xC0, 12,
        ];

        var ptr = Assert.IsType<DnsPtrRecord>(Assert.Single(DnsMessage.Parse(packet).Answers));

        Assert.Equal(MdnsProtocol.ServiceType, ptr.Name);
        Assert.Equal(DnsName.Parse("desk._opendesk._tcp.local"), ptr.Target);
        Assert.Equal(4500u, ptr.Ttl);
    }

    [Theory]
    [InlineData(12)] // points at itself
    [InlineData(14)] // points forward
    public void A_compression_pointer_that_does_not_point_backwards_is_rejected(int target)
    {
        byte[] packet = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, (byte)target, 0, 12, 0, 1];

        var error = Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(packet));

        Assert.Contains("does not point backwards", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_names_pointing_at_each_other_are_rejected()
    {
        // Name at 12 is "a" + pointer to 17; name at 17 is "b" + pointer to 12: a loop through two names.
        byte[] packet =
        [
            0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0,
            1, (byte)'a', 0xC0, 17, 0,
            1, (byte)'b', 0xC0, 12,
        ];

        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(packet));
    }

    [Fact]
    public void A_record_overrunning_its_length_or_the_packet_is_rejected()
    {
        byte[] valid = new DnsMessage { Answers = [new DnsAddressRecord(Host, 120, IPAddress.Loopback)] }.Encode();

        // The rdlength is the two bytes before the 4 address bytes.
        byte[] longer = [.. valid];
        longer[^5] = 200;
        byte[] shorter = [.. valid];
        shorter[^5] = 3;

        Assert.Contains("runs past the end", Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(longer)).Message, StringComparison.Ordinal);
        Assert.Contains("must be 4 bytes", Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(shorter)).Message, StringComparison.Ordinal);
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(valid.AsSpan(0, valid.Length - 1)));
        Assert.Throws<DnsFormatException>(() => DnsMessage.Parse(valid.AsSpan(0, 11)));
    }

    [Fact]
    public void Unknown_record_types_and_classes_are_skipped()
    {
        byte[] packet =
        [
            0, 0, 0x84, 0, 0, 0, 0, 3, 0, 0, 0, 0,
            1, (byte)'x', 0, 0, 47, 0, 1, 0, 0, 0, 10, 0, 2, 0xAA, 0xBB, // NSEC
            1, (byte)'y', 0, 0, 1, 0, 3, 0, 0, 0, 10, 0, 4, 1, 2, 3, 4,  // A in class CH
            1, (byte)'z', 0, 0, 1, 0x80, 1, 0, 0, 0, 10, 0, 4, 10, 0, 0, 1, // A, IN with cache flush
        ];

        var a = Assert.IsType<DnsAddressRecord>(Assert.Single(DnsMessage.Parse(packet).Answers));

        Assert.Equal(DnsName.Parse("z"), a.Name);
        Assert.True(a.CacheFlush);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), a.Address);
    }

    [Fact]
    public void A_label_containing_a_dot_stays_one_label_and_equals_its_split_form()
    {
        DnsName name = MdnsProtocol.ServiceType.Prepend("host.example-9c2f1a");
        var ptr = new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, name);

        var parsed = Assert.IsType<DnsPtrRecord>(DnsMessage.Parse(new DnsMessage { Answers = [ptr] }.Encode()).Answers[0]);

        Assert.Equal(4, name.Labels.Count);
        Assert.Equal("host.example-9c2f1a", parsed.Target.Labels[0]);
        Assert.Equal(DnsName.Parse("HOST.example-9c2f1a._opendesk._tcp.local"), parsed.Target);
        Assert.Equal("host.example-9c2f1a", parsed.Target.RelativeTo(MdnsProtocol.ServiceType));
    }

    [Fact]
    public void Names_and_strings_beyond_the_wire_limits_are_refused_when_built()
    {
        Assert.Throws<ArgumentException>(() => DnsName.Parse(new string('a', 64) + ".local"));
        Assert.Throws<ArgumentException>(() => DnsName.Parse(string.Join('.', Enumerable.Repeat(new string('a', 63), 4))));
        Assert.Throws<ArgumentException>(() => DnsName.Parse("a..local"));
        Assert.Throws<ArgumentException>(() => new DnsTxtRecord(Instance, 1, [new byte[256]]));
    }

    [Fact]
    public void A_huge_TXT_record_parses_but_a_browser_ignores_it()
    {
        // 40 strings of 250 bytes: a 10 KB TXT record, larger than any opendesk peer sends.
        byte[] pk = [.. "pk="u8, .. new byte[32]];
        var huge = new DnsTxtRecord(Instance, 4500, [pk, .. Enumerable.Range(0, 40).Select(_ => new byte[250])]);
        var response = new DnsMessage
        {
            Flags = DnsMessage.ResponseFlag,
            Answers =
            [
                new DnsPtrRecord(MdnsProtocol.ServiceType, 4500, Instance),
                new DnsSrvRecord(Instance, 120, 0, 0, 8423, Host),
                huge,
                new DnsAddressRecord(Host, 120, IPAddress.Loopback),
            ],
        };
        var cache = new MdnsPeerCache();

        cache.Add(DnsMessage.Parse(response.Encode()));

        Assert.Empty(cache.Peers());
        Assert.Equal([new DnsQuestion(Instance, DnsRecordType.Txt)], cache.MissingQuestions());
    }
}
