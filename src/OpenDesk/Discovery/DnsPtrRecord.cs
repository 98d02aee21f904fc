namespace OpenDesk.Discovery;

/// <summary>A PTR record: a service type pointing at one instance (DNS-SD, RFC 6763 §4.1).</summary>
public sealed class DnsPtrRecord : DnsRecord
{
    public DnsPtrRecord(DnsName name, uint ttl, DnsName target, bool cacheFlush = false) : base(name, ttl, cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(target);
        Target = target;
    }

    public override DnsRecordType Type => DnsRecordType.Ptr;

    public DnsName Target { get; }

    public override DnsRecord With(uint ttl, bool cacheFlush) => new DnsPtrRecord(Name, ttl, Target, cacheFlush);

    public override bool HasSameData(DnsRecord other) => other is DnsPtrRecord ptr && ptr.Name.Equals(Name) && ptr.Target.Equals(Target);

    internal override void WriteData(DnsWriter writer) => writer.WriteName(Target);
}
