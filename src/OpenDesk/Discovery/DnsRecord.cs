namespace OpenDesk.Discovery;

/// <summary>
/// A resource record of one of the types discovery understands. <see cref="CacheFlush"/> is the mDNS cache-flush bit
/// (top bit of the class field, RFC 6762 §10.2), set on records only one host may own.
/// </summary>
public abstract class DnsRecord
{
    protected DnsRecord(DnsName name, uint ttl, bool cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Ttl = ttl;
        CacheFlush = cacheFlush;
    }

    public DnsName Name { get; }

    public abstract DnsRecordType Type { get; }

    /// <summary>Seconds; 0 in a response is a goodbye (RFC 6762 §10.1).</summary>
    public uint Ttl { get; }

    public bool CacheFlush { get; }

    /// <summary>The same record with another TTL and cache-flush bit (goodbyes, legacy unicast replies).</summary>
    public abstract DnsRecord With(uint ttl, bool cacheFlush);

    /// <summary>Whether both records carry the same data, TTL aside (known-answer suppression, RFC 6762 §7.1).</summary>
    public abstract bool HasSameData(DnsRecord other);

    internal abstract void WriteData(DnsWriter writer);
}
