namespace OpenDesk.Discovery;

/// <summary>An SRV record: where an instance listens (RFC 2782).</summary>
public sealed class DnsSrvRecord : DnsRecord
{
    public DnsSrvRecord(DnsName name, uint ttl, ushort priority, ushort weight, ushort port, DnsName target, bool cacheFlush = false)
        : base(name, ttl, cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(target);
        Priority = priority;
        Weight = weight;
        Port = port;
        Target = target;
    }

    public override DnsRecordType Type => DnsRecordType.Srv;

    public ushort Priority { get; }

    public ushort Weight { get; }

    public ushort Port { get; }

    /// <summary>The host name whose A/AAAA records hold the addresses.</summary>
    public DnsName Target { get; }

    public override DnsRecord With(uint ttl, bool cacheFlush) => new DnsSrvRecord(Name, ttl, Priority, Weight, Port, Target, cacheFlush);

    public override bool HasSameData(DnsRecord other) =>
        other is DnsSrvRecord srv && srv.Name.Equals(Name) && srv.Priority == Priority && srv.Weight == Weight && srv.Port == Port &&
        srv.Target.Equals(Target);

    internal override void WriteData(DnsWriter writer)
    {
        writer.WriteUInt16(Priority);
        writer.WriteUInt16(Weight);
        writer.WriteUInt16(Port);
        // RFC 2782 forbids compressing the target; plain unicast resolvers asking through legacy unicast may rely on that.
        writer.WriteName(Target, compress: false);
    }
}
