using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OpenDesk.Discovery;
using OpenDesk.Server.Discovery;

namespace OpenDesk.Tests.Discovery;

/// <summary>
/// Advertisers and browsers in this process finding each other over 224.0.0.251 on this host's own interfaces
/// (multicast loopback). Opt-in: the packets also reach the LAN segment, see <see cref="HostMulticastFactAttribute"/>.
/// </summary>
public class MdnsLoopbackTests
{
    private static readonly TimeSpan Browse = TimeSpan.FromSeconds(1.5);

    [HostMulticastFact]
    public async Task An_advertiser_and_a_browser_in_one_process_find_each_other()
    {
        MdnsServiceInfo service = MdnsTestServices.Create(41001, "Bürotisch — 3D printer room");
        await using MdnsAdvertiser advertiser = await MdnsAdvertiser.StartAsync(service, NullLogger.Instance, CancellationToken.None);

        IReadOnlyList<DiscoveredPeer> peers = await MdnsBrowser.BrowseAsync(Browse, CancellationToken.None);

        Assert.True(advertiser.IsAdvertising);
        DiscoveredPeer peer = Assert.Single(peers, p => p.Name == service.InstanceName);
        Assert.Equal(41001, peer.Port);
        Assert.Equal(service.PublicKey.ToArray(), peer.PublicKey);
        Assert.Equal(service.Fingerprint, peer.Fingerprint);
        Assert.Equal("Bürotisch — 3D printer room", peer.Description);
        Assert.Contains(IPAddress.Parse(peer.Host), advertiser.Addresses);
        Assert.Equal($"ws://{peer.Host}:41001", peer.Url);
    }

    [HostMulticastFact]
    public async Task Two_advertisers_on_different_ports_are_both_seen()
    {
        MdnsServiceInfo first = MdnsTestServices.Create(41002);
        MdnsServiceInfo second = MdnsTestServices.Create(41003);
        await using MdnsAdvertiser a = await MdnsAdvertiser.StartAsync(first, NullLogger.Instance, CancellationToken.None);
        await using MdnsAdvertiser b = await MdnsAdvertiser.StartAsync(second, NullLogger.Instance, CancellationToken.None);

        IReadOnlyList<DiscoveredPeer> peers = await MdnsBrowser.BrowseAsync(Browse, CancellationToken.None);

        Assert.Equal(41002, Assert.Single(peers, p => p.Name == first.InstanceName).Port);
        Assert.Equal(41003, Assert.Single(peers, p => p.Name == second.InstanceName).Port);
    }

    [HostMulticastFact]
    public async Task Finding_by_public_key_returns_as_soon_as_the_key_is_seen()
    {
        MdnsServiceInfo service = MdnsTestServices.Create(41004);
        await using MdnsAdvertiser advertiser = await MdnsAdvertiser.StartAsync(service, NullLogger.Instance, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        DiscoveredPeer? found = await MdnsBrowser.FindByPublicKeyAsync(service.PublicKey.ToArray(), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(41004, found.Port);
        Assert.Equal(service.InstanceName, found.Name);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [HostMulticastFact]
    public async Task Finding_an_unknown_key_gives_null_after_the_timeout()
    {
        var clock = Stopwatch.StartNew();

        DiscoveredPeer? found = await MdnsBrowser.FindByPublicKeyAsync(new byte[32], TimeSpan.FromSeconds(0.5), CancellationToken.None);

        Assert.Null(found);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.45), TimeSpan.FromSeconds(3));
    }

    [HostMulticastFact]
    public async Task Browsing_honours_cancellation()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => MdnsBrowser.BrowseAsync(TimeSpan.FromSeconds(10), cancel.Token));
    }

    [HostMulticastFact]
    public async Task The_advertiser_announces_twice_and_says_goodbye_with_TTL_0()
    {
        MdnsServiceInfo service = MdnsTestServices.Create(41005);
        DnsName instance = MdnsProtocol.ServiceType.Prepend(service.InstanceName);
        using var listener = RawListener.Open();

        MdnsAdvertiser advertiser = await MdnsAdvertiser.StartAsync(service, NullLogger.Instance, CancellationToken.None);
        List<(TimeSpan At, DnsMessage Message)> announcements =
            await listener.CollectAsync(m => IsAnnouncement(m, instance), count: 2, TimeSpan.FromSeconds(4));
        await advertiser.DisposeAsync();
        List<(TimeSpan At, DnsMessage Message)> goodbyes =
            await listener.CollectAsync(m => Mentions(m, instance) && m.Answers.Any(r => r.Ttl == 0), count: 1, TimeSpan.FromSeconds(4));

        Assert.Equal(2, announcements.Count);
        Assert.InRange(announcements[1].At - announcements[0].At, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(3));
        DnsMessage goodbye = Assert.Single(goodbyes).Message;
        Assert.True(goodbye.IsResponse);
        Assert.Equal(
            [DnsRecordType.Ptr, DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A],
            goodbye.Answers.Select(r => r.Type).Distinct());
        Assert.All(goodbye.Answers, r => Assert.Equal(0u, r.Ttl));
        Assert.Equal(instance, goodbye.Answers.OfType<DnsPtrRecord>().Single().Target);
    }

    [HostMulticastFact]
    public async Task A_legacy_unicast_query_is_answered_by_unicast_with_its_id()
    {
        MdnsServiceInfo service = MdnsTestServices.Create(41006);
        await using MdnsAdvertiser advertiser = await MdnsAdvertiser.StartAsync(service, NullLogger.Instance, CancellationToken.None);
        DnsName instance = MdnsProtocol.ServiceType.Prepend(service.InstanceName);
        MdnsInterface nic = MdnsInterface.MulticastCandidates(MdnsInterface.Enumerate())[0];
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Any, 0));
        client.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, nic.Addresses[0].GetAddressBytes());
        byte[] query = new DnsMessage { Id = 0x4242, Questions = [new DnsQuestion(instance, DnsRecordType.Srv)] }.Encode();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        await client.SendToAsync(query, MdnsProtocol.GroupEndPoint);
        byte[] buffer = new byte[9000];
        DnsMessage reply;
        do
        {
            SocketReceiveFromResult received = await client.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), timeout.Token);
            reply = DnsMessage.Parse(buffer.AsSpan(0, received.ReceivedBytes));
        }
        while (!Mentions(reply, instance));

        Assert.Equal(0x4242, reply.Id);
        Assert.Equal(instance, Assert.Single(reply.Questions).Name);
        var srv = Assert.IsType<DnsSrvRecord>(Assert.Single(reply.Answers));
        Assert.Equal(41006, srv.Port);
        Assert.True(srv.Ttl <= 10);
    }

    [HostMulticastFact]
    public async Task Junk_on_the_wire_does_not_stop_an_advertiser_from_answering()
    {
        MdnsServiceInfo service = MdnsTestServices.Create(41007);
        await using MdnsAdvertiser advertiser = await MdnsAdvertiser.StartAsync(service, NullLogger.Instance, CancellationToken.None);
        MdnsInterface nic = MdnsInterface.MulticastCandidates(MdnsInterface.Enumerate())[0];
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, nic.Addresses[0].GetAddressBytes());
        var random = new Random(99);
        byte[] selfPointer = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 12, 0, 1];
        byte[] oversized = new byte[12_000];

        for (int i = 0; i < 300; i++)
        {
            byte[] junk = new byte[random.Next(0, 1500)];
            random.NextBytes(junk);
            await sender.SendToAsync(i % 3 == 0 ? selfPointer : i % 50 == 1 ? oversized : junk, MdnsProtocol.GroupEndPoint);
        }

        DiscoveredPeer? found = await MdnsBrowser.FindByPublicKeyAsync(service.PublicKey.ToArray(), TimeSpan.FromSeconds(3), CancellationToken.None);

        Assert.Equal(41007, found?.Port);
    }

    /// <summary>Unsolicited: every record in the answers; a reply to a browse puts SRV, TXT and A in the additionals.</summary>
    private static bool IsAnnouncement(DnsMessage message, DnsName instance) =>
        Mentions(message, instance) && message.Additionals.Count == 0 && message.Answers.All(r => r.Ttl > 0) &&
        message.Answers.Any(r => r is DnsSrvRecord) && message.Answers.Any(r => r is DnsTxtRecord);

    private static bool Mentions(DnsMessage message, DnsName instance) =>
        message.IsResponse && message.Answers.Any(r => r.Name.Equals(instance) || (r is DnsPtrRecord ptr && ptr.Target.Equals(instance)));
}
