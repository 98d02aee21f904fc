using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenDesk.Discovery;

/// <summary>
/// What a browser has heard so far: opendesk instances (from PTR, SRV or TXT records under the service type), their
/// SRV and TXT records, and the addresses of their SRV targets. Records may arrive together or in separate packets;
/// an address that comes before its SRV record is asked for again (<see cref="MissingQuestions"/>). TTL 0 removes
/// records. Sizes are capped so a flood of records cannot grow the cache without bound.
/// </summary>
internal sealed class MdnsPeerCache
{
    /// <summary>
    /// TXT records larger than this are ignored. Ours are under 200 bytes; RFC 6763 §6.2 advises against anything
    /// over 1300, so a bigger one is not an opendesk peer worth decoding.
    /// </summary>
    public const int MaxTxtBytes = 1300;

    /// <summary>Instances and host names tracked at most; later ones are ignored.</summary>
    public const int MaxEntries = 256;

    private const int MaxAddressesPerHost = 16;
    private const int PublicKeyLength = 32;

    private readonly HashSet<DnsName> _instances = [];
    private readonly Dictionary<DnsName, DnsSrvRecord> _srv = [];
    private readonly Dictionary<DnsName, DnsTxtRecord> _txt = [];
    private readonly Dictionary<DnsName, List<IPAddress>> _addresses = [];

    /// <summary>Takes in the answers and additionals of a response; queries are ignored.</summary>
    public void Add(DnsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!message.IsResponse)
        {
            return;
        }

        // Addresses go last: only SRV targets' addresses are kept, so a busy LAN's other hosts cannot fill the cache.
        foreach (DnsRecord record in message.AnswersAndAdditionals.OrderBy(r => r is DnsAddressRecord))
        {
            switch (record)
            {
                case DnsPtrRecord ptr when ptr.Name.Equals(MdnsProtocol.ServiceType) && IsInstance(ptr.Target):
                    if (ptr.Ttl == 0)
                    {
                        Forget(ptr.Target);
                    }
                    else
                    {
                        Track(ptr.Target);
                    }

                    break;
                case DnsSrvRecord srv when IsInstance(srv.Name):
                    Store(_srv, srv);
                    break;
                case DnsTxtRecord txt when IsInstance(txt.Name) && txt.DataLength <= MaxTxtBytes:
                    Store(_txt, txt);
                    break;
                case DnsAddressRecord address when _srv.Values.Any(srv => srv.Target.Equals(address.Name)):
                    StoreAddress(address);
                    break;
            }
        }
    }

    /// <summary>Every instance that is fully resolved and carries a valid key, sorted by instance name (as upstream).</summary>
    public IReadOnlyList<DiscoveredPeer> Peers() =>
        [.. _instances.OrderBy(name => name.Text, StringComparer.Ordinal).Select(TryResolve).OfType<DiscoveredPeer>()];

    /// <summary>The resolved peer advertising <paramref name="publicKey"/>, if one is known yet.</summary>
    public DiscoveredPeer? Find(ReadOnlySpan<byte> publicKey)
    {
        foreach (DnsName instance in _instances)
        {
            if (_txt.TryGetValue(instance, out DnsTxtRecord? txt) && txt.TryGetValue("pk", out byte[] key) && key.AsSpan().SequenceEqual(publicKey) &&
                TryResolve(instance) is { } peer)
            {
                return peer;
            }
        }

        return null;
    }

    /// <summary>
    /// Questions that would complete the instances seen so far: SRV and TXT for an instance lacking them, A for an
    /// SRV target without addresses. Instances whose TXT has no valid key are never completed, so they are not asked
    /// about.
    /// </summary>
    public IReadOnlyList<DnsQuestion> MissingQuestions()
    {
        var questions = new List<DnsQuestion>();
        foreach (DnsName instance in _instances.OrderBy(name => name.Text, StringComparer.Ordinal))
        {
            bool hasTxt = _txt.TryGetValue(instance, out DnsTxtRecord? txt);
            if (hasTxt && ValidKey(txt!) is null)
            {
                continue;
            }

            if (!_srv.TryGetValue(instance, out DnsSrvRecord? srv))
            {
                questions.Add(new DnsQuestion(instance, DnsRecordType.Srv));
            }
            else if (PreferredAddress(srv.Target) is null && !questions.Any(q => q.Name.Equals(srv.Target)))
            {
                questions.Add(new DnsQuestion(srv.Target, DnsRecordType.A));
            }

            if (!hasTxt)
            {
                questions.Add(new DnsQuestion(instance, DnsRecordType.Txt));
            }
        }

        return questions;
    }

    private static bool IsInstance(DnsName name) => name.RelativeTo(MdnsProtocol.ServiceType) is not null;

    private static byte[]? ValidKey(DnsTxtRecord txt) => txt.TryGetValue("pk", out byte[] key) && key.Length == PublicKeyLength ? key : null;

    private DiscoveredPeer? TryResolve(DnsName instance)
    {
        if (!_srv.TryGetValue(instance, out DnsSrvRecord? srv) || !_txt.TryGetValue(instance, out DnsTxtRecord? txt) ||
            ValidKey(txt) is not { } key || PreferredAddress(srv.Target) is not { } address)
        {
            return null;
        }

        string description = txt.TryGetValue("desc", out byte[] desc) ? Encoding.UTF8.GetString(desc) : "";
        return new DiscoveredPeer(instance.RelativeTo(MdnsProtocol.ServiceType)!, address.ToString(), srv.Port, key, Trust.Fingerprint.Colon(key), description);
    }

    /// <summary>
    /// Spec §23: prefer IPv4. IPv6 is the fallback, minus link-local addresses, which need a zone id that a
    /// <c>ws://</c> URL cannot carry portably.
    /// </summary>
    private IPAddress? PreferredAddress(DnsName host)
    {
        if (!_addresses.TryGetValue(host, out List<IPAddress>? addresses))
        {
            return null;
        }

        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ??
            addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal);
    }

    private void Track(DnsName instance)
    {
        if (_instances.Count < MaxEntries)
        {
            _instances.Add(instance);
        }
    }

    private void Forget(DnsName instance)
    {
        _instances.Remove(instance);
        _srv.Remove(instance);
        _txt.Remove(instance);
    }

    private void Store<TRecord>(Dictionary<DnsName, TRecord> records, TRecord record)
        where TRecord : DnsRecord
    {
        if (record.Ttl == 0)
        {
            records.Remove(record.Name);
            return;
        }

        Track(record.Name);
        if (_instances.Contains(record.Name))
        {
            records[record.Name] = record;
        }
    }

    private void StoreAddress(DnsAddressRecord record)
    {
        if (!_addresses.TryGetValue(record.Name, out List<IPAddress>? addresses))
        {
            if (record.Ttl == 0 || _addresses.Count >= MaxEntries)
            {
                return;
            }

            addresses = [];
            _addresses.Add(record.Name, addresses);
        }

        if (record.Ttl == 0)
        {
            addresses.Remove(record.Address);
        }
        else if (!addresses.Contains(record.Address) && addresses.Count < MaxAddressesPerHost)
        {
            addresses.Add(record.Address);
        }
    }
}
