using System.Net;
using OpenDesk.Discovery;

namespace OpenDesk.Server.Discovery;

/// <summary>
/// The records one advertised service owns and the replies they make to queries, without any I/O: PTR
/// <c>_opendesk._tcp.local.</c> → instance, SRV instance → <c>{instance}.local.</c>:port, TXT (spec §23) and the host's
/// A records.
/// </summary>
internal sealed class MdnsResponder
{
    private const ushort ResponseFlags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag;

    private readonly MdnsServiceInfo _service;
    private readonly IReadOnlyList<IPAddress> _addresses;

    /// <param name="service">The advertised service.</param>
    /// <param name="addresses">The A record addresses (spec §23: non-loopback IPv4, else 127.0.0.1).</param>
    public MdnsResponder(MdnsServiceInfo service, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            throw new ArgumentException("at least one address is needed for the A records", nameof(addresses));
        }

        _service = service;
        _addresses = addresses;
        InstanceName = MdnsProtocol.ServiceType.Prepend(service.InstanceName);
        HostName = MdnsProtocol.LocalDomain.Prepend(service.InstanceName);
    }

    /// <summary><c>{instance}._opendesk._tcp.local.</c></summary>
    public DnsName InstanceName { get; }

    /// <summary><c>{instance}.local.</c>, the SRV target.</summary>
    public DnsName HostName { get; }

    /// <summary>
    /// An unsolicited response with every record (RFC 6762 §8.3). <paramref name="interfaceAddresses"/> are the
    /// sending interface's addresses; they go first so a browser taking the first A record gets one it can reach.
    /// </summary>
    public DnsMessage Announcement(IReadOnlyCollection<IPAddress>? interfaceAddresses = null) => new()
    {
        Flags = ResponseFlags,
        Answers = [Ptr(), Srv(), Txt(), .. AddressRecords(interfaceAddresses)],
    };

    /// <summary>The announcement with TTL 0, telling caches to drop the records now (RFC 6762 §10.1).</summary>
    public DnsMessage Goodbye() => new()
    {
        Flags = ResponseFlags,
        Answers = [.. Announcement().Answers.Select(record => record.With(0, record.CacheFlush))],
    };

    /// <summary>
    /// The reply to <paramref name="query"/>, or null when nothing in it concerns this service or the querier already
    /// holds every answer (known-answer suppression, RFC 6762 §7.1).
    /// </summary>
    /// <param name="query">A parsed message from the network; responses and non-standard opcodes get no reply.</param>
    /// <param name="legacyUnicast">
    /// The query came from a port other than 5353: a plain DNS client (RFC 6762 §6.7) that needs its id and questions
    /// echoed, short TTLs and no cache-flush bits.
    /// </param>
    /// <param name="interfaceAddresses">The receiving interface's addresses, listed first among the A records.</param>
    public DnsMessage? Answer(DnsMessage query, bool legacyUnicast, IReadOnlyCollection<IPAddress>? interfaceAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.IsResponse || query.Opcode != 0)
        {
            return null;
        }

        var answers = new List<DnsRecord>();
        var additionals = new List<DnsRecord>();
        foreach (DnsQuestion question in query.Questions)
        {
            bool any = question.Type == DnsRecordType.Any;
            if (question.Name.Equals(MdnsProtocol.ServiceType) && (any || question.Type == DnsRecordType.Ptr))
            {
                answers.Add(Ptr());
                additionals.AddRange([Srv(), Txt(), .. AddressRecords(interfaceAddresses)]);
            }
            else if (question.Name.Equals(MdnsProtocol.ServiceTypeEnumeration) && (any || question.Type == DnsRecordType.Ptr))
            {
                answers.Add(new DnsPtrRecord(MdnsProtocol.ServiceTypeEnumeration, MdnsProtocol.OtherRecordTtl, MdnsProtocol.ServiceType));
            }
            else if (question.Name.Equals(InstanceName))
            {
                if (any || question.Type == DnsRecordType.Srv)
                {
                    answers.Add(Srv());
                    additionals.AddRange(AddressRecords(interfaceAddresses));
                }

                if (any || question.Type == DnsRecordType.Txt)
                {
                    answers.Add(Txt());
                }
            }
            else if (question.Name.Equals(HostName) && (any || question.Type == DnsRecordType.A))
            {
                answers.AddRange(AddressRecords(interfaceAddresses));
            }
        }

        answers = Distinct(answers.Where(record => !IsKnown(query, record)));
        if (answers.Count == 0)
        {
            return null;
        }

        additionals = Distinct(additionals.Where(record => !IsKnown(query, record) && !answers.Any(record.HasSameData)));
        if (!legacyUnicast)
        {
            return new DnsMessage { Flags = ResponseFlags, Answers = answers, Additionals = additionals };
        }

        return new DnsMessage
        {
            Id = query.Id,
            Flags = ResponseFlags,
            Questions = query.Questions,
            Answers = [.. answers.Select(LegacyCopy)],
            Additionals = [.. additionals.Select(LegacyCopy)],
        };
    }

    private static DnsRecord LegacyCopy(DnsRecord record) => record.With(Math.Min(record.Ttl, MdnsProtocol.LegacyUnicastTtl), cacheFlush: false);

    /// <summary>RFC 6762 §7.1: a known answer suppresses ours if its TTL is at least half of our TTL.</summary>
    private static bool IsKnown(DnsMessage query, DnsRecord record) =>
        query.Answers.Any(known => known.HasSameData(record) && known.Ttl >= record.Ttl / 2);

    private static List<DnsRecord> Distinct(IEnumerable<DnsRecord> records)
    {
        var distinct = new List<DnsRecord>();
        foreach (DnsRecord record in records)
        {
            if (!distinct.Any(record.HasSameData))
            {
                distinct.Add(record);
            }
        }

        return distinct;
    }

    private DnsPtrRecord Ptr() => new(MdnsProtocol.ServiceType, MdnsProtocol.OtherRecordTtl, InstanceName);

    private DnsSrvRecord Srv() => new(InstanceName, MdnsProtocol.HostRecordTtl, 0, 0, (ushort)_service.Port, HostName, cacheFlush: true);

    private DnsTxtRecord Txt() => DnsTxtRecord.FromProperties(InstanceName, MdnsProtocol.OtherRecordTtl, _service.TxtProperties(), cacheFlush: true);

    private IEnumerable<DnsAddressRecord> AddressRecords(IReadOnlyCollection<IPAddress>? interfaceAddresses)
    {
        IEnumerable<IPAddress> ordered = interfaceAddresses is null
            ? _addresses
            : _addresses.Where(interfaceAddresses.Contains).Concat(_addresses.Where(a => !interfaceAddresses.Contains(a)));
        return ordered.Select(address => new DnsAddressRecord(HostName, MdnsProtocol.HostRecordTtl, address, cacheFlush: true));
    }
}
