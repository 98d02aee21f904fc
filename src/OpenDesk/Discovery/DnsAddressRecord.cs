using System.Net;
using System.Net.Sockets;

namespace OpenDesk.Discovery;

/// <summary>An A (IPv4) or AAAA (IPv6) record, by the address family.</summary>
public sealed class DnsAddressRecord : DnsRecord
{
    public DnsAddressRecord(DnsName name, uint ttl, IPAddress address, bool cacheFlush = false) : base(name, ttl, cacheFlush)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"address must be IPv4 or IPv6: got {address.AddressFamily}", nameof(address));
        }

        Address = address;
    }

    public override DnsRecordType Type => Address.AddressFamily == AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.Aaaa;

    public IPAddress Address { get; }

    public override DnsRecord With(uint ttl, bool cacheFlush) => new DnsAddressRecord(Name, ttl, Address, cacheFlush);

    public override bool HasSameData(DnsRecord other) => other is DnsAddressRecord a && a.Name.Equals(Name) && a.Address.Equals(Address);

    internal override void WriteData(DnsWriter writer) => writer.WriteBytes(Address.GetAddressBytes());
}
