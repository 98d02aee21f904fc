using System.Net;
using OpenDesk.Discovery;
using OpenDesk.Server.Discovery;

namespace OpenDesk.Tests.Discovery;

public class MdnsResponderTests
{
    private static readonly byte[] Key = Convert.FromHexString("9c2f1abcb3d48870" + new string('1', 48));
    private static readonly IPAddress Lan = IPAddress.Parse("192.0.2.2");
    private static readonly IPAddress Vpn = IPAddress.Parse("10.8.0.2");
    private static readonly MdnsResponder Responder = new(new MdnsServiceInfo("desk-9c2f1a", 8423, Key, "lab desk"), [Lan, Vpn]);

    private static DnsMessage Query(params DnsQuestion[] questions) => new() { Questions = questions };

    [Fact]
    public void A_browse_query_gets_the_PTR_with_SRV_TXT_and_A_as_additionals()
    {
        DnsMessage response = Responder.Answer(Query(new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)), legacyUnicast: false)!;

        Assert.True(response.IsResponse);
        Assert.Equal(0, response.Id);
        Assert.Empty(response.Questions);
        var ptr = Assert.IsType<DnsPtrRecord>(Assert.Single(response.Answers));
        Assert.Equal(DnsName.Parse("desk-9c2f1a._opendesk._tcp.local"), ptr.Target);
        Assert.False(ptr.CacheFlush);
        Assert.Equal(4500u, ptr.Ttl);
        Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A, DnsRecordType.A], response.Additionals.Select(r => r.Type));
        Assert.All(response.Additionals, r => Assert.True(r.CacheFlush));
        var srv = Assert.IsType<DnsSrvRecord>(response.Additionals[0]);
        Assert.Equal(8423, srv.Port);
        Assert.Equal(DnsName.Parse("desk-9c2f1a.local"), srv.Target);
        Assert.Equal(120u, srv.Ttl);
        Assert.Equal([Lan, Vpn], response.Additionals.OfType<DnsAddressRecord>().Select(a => a.Address));
        Assert.All(response.Additionals.OfType<DnsAddressRecord>(), a => Assert.Equal(srv.Target, a.Name));
    }

    [Fact]
    public void The_receiving_interface_addresses_come_first()
    {
        DnsMessage response = Responder.Answer(Query(new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)), false, [Vpn])!;

        Assert.Equal([Vpn, Lan], response.Additionals.OfType<DnsAddressRecord>().Select(a => a.Address));
    }

    [Fact]
    public void Instance_and_host_questions_get_their_records()
    {
        DnsMessage srvAndTxt = Responder.Answer(Query(
            new DnsQuestion(Responder.InstanceName, DnsRecordType.Srv),
            new DnsQuestion(Responder.InstanceName, DnsRecordType.Txt)), false)!;
        DnsMessage any = Responder.Answer(Query(new DnsQuestion(Responder.InstanceName, DnsRecordType.Any)), false)!;
        DnsMessage host = Responder.Answer(Query(new DnsQuestion(DnsName.Parse("DESK-9c2f1a.local"), DnsRecordType.A)), false)!;

        Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt], srvAndTxt.Answers.Select(r => r.Type));
        Assert.Equal([DnsRecordType.A, DnsRecordType.A], srvAndTxt.Additionals.Select(r => r.Type));
        Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt], any.Answers.Select(r => r.Type));
        Assert.Equal([Lan, Vpn], host.Answers.OfType<DnsAddressRecord>().Select(a => a.Address));
        Assert.Empty(host.Additionals);
    }

    [Fact]
    public void The_service_type_is_listed_for_DNS_SD_enumeration()
    {
        DnsMessage response = Responder.Answer(Query(new DnsQuestion(MdnsProtocol.ServiceTypeEnumeration, DnsRecordType.Ptr)), false)!;

        Assert.Equal(MdnsProtocol.ServiceType, Assert.IsType<DnsPtrRecord>(Assert.Single(response.Answers)).Target);
    }

    [Fact]
    public void Nothing_is_sent_for_other_names_responses_or_other_opcodes()
    {
        Assert.Null(Responder.Answer(Query(new DnsQuestion(DnsName.Parse("_http._tcp.local"), DnsRecordType.Ptr)), false));
        Assert.Null(Responder.Answer(Query(new DnsQuestion(DnsName.Parse("other-123456.local"), DnsRecordType.A)), false));
        Assert.Null(Responder.Answer(Query(new DnsQuestion(Responder.HostName, DnsRecordType.Aaaa)), false));
        Assert.Null(Responder.Answer(
            new DnsMessage { Flags = DnsMessage.ResponseFlag, Questions = [new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)] }, false));
        Assert.Null(Responder.Answer(
            new DnsMessage { Flags = 5 << 11, Questions = [new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr)] }, false));
    }

    [Fact]
    public void A_known_answer_with_enough_TTL_left_suppresses_the_reply()
    {
        var question = new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr);
        var fresh = new DnsMessage { Questions = [question], Answers = [new DnsPtrRecord(MdnsProtocol.ServiceType, 3000, Responder.InstanceName)] };
        var stale = new DnsMessage { Questions = [question], Answers = [new DnsPtrRecord(MdnsProtocol.ServiceType, 100, Responder.InstanceName)] };

        Assert.Null(Responder.Answer(fresh, false));
        Assert.NotNull(Responder.Answer(stale, false));
    }

    [Fact]
    public void A_legacy_unicast_query_gets_its_id_and_questions_back_with_short_TTLs()
    {
        var question = new DnsQuestion(MdnsProtocol.ServiceType, DnsRecordType.Ptr);

        DnsMessage response = Responder.Answer(new DnsMessage { Id = 0xBEEF, Questions = [question] }, legacyUnicast: true)!;

        Assert.Equal(0xBEEF, response.Id);
        Assert.Equal([question], response.Questions);
        Assert.All(response.Answers.Concat(response.Additionals), r =>
        {
            Assert.True(r.Ttl <= 10);
            Assert.False(r.CacheFlush);
        });
    }

    [Fact]
    public void The_announcement_carries_every_record_and_the_goodbye_the_same_with_TTL_0()
    {
        DnsMessage announcement = Responder.Announcement();
        DnsMessage goodbye = Responder.Goodbye();

        Assert.Equal([DnsRecordType.Ptr, DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A, DnsRecordType.A], announcement.Answers.Select(r => r.Type));
        Assert.All(announcement.Answers, r => Assert.True(r.Ttl > 0));
        Assert.Equal(announcement.Answers.Count, goodbye.Answers.Count);
        Assert.All(announcement.Answers.Zip(goodbye.Answers), pair =>
        {
            Assert.True(pair.First.HasSameData(pair.Second));
            Assert.Equal(0u, pair.Second.Ttl);
        });
        Assert.True(goodbye.IsResponse);
    }
}
