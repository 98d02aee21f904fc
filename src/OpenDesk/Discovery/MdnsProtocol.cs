using System.Net;

namespace OpenDesk.Discovery;

/// <summary>The fixed names, addresses and timings of opendesk's mDNS discovery (spec §23, RFC 6762).</summary>
public static class MdnsProtocol
{
    public const int Port = 5353;

    /// <summary>RFC 6762 §6: TTL for records naming a host (SRV, A).</summary>
    public const uint HostRecordTtl = 120;

    /// <summary>RFC 6762 §6: TTL for the other records (PTR, TXT).</summary>
    public const uint OtherRecordTtl = 4500;

    /// <summary>RFC 6762 §6.7: cap for replies to one-shot queriers that do not speak mDNS.</summary>
    public const uint LegacyUnicastTtl = 10;

    /// <summary>RFC 6762 §17: no mDNS packet exceeds 9000 bytes; anything larger is dropped unread.</summary>
    public const int MaxMessageBytes = 9000;

    public static readonly IPAddress Group = IPAddress.Parse("224.0.0.251");

    public static readonly IPEndPoint GroupEndPoint = new(Group, Port);

    public static readonly DnsName ServiceType = DnsName.Parse("_opendesk._tcp.local.");

    /// <summary>RFC 6763 §9: lets generic browsers (avahi-browse -a, dns-sd -B) list the service type.</summary>
    public static readonly DnsName ServiceTypeEnumeration = DnsName.Parse("_services._dns-sd._udp.local.");

    public static readonly DnsName LocalDomain = DnsName.Parse("local.");
}
