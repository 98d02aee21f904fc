namespace OpenDesk.Discovery;

/// <summary>The DNS record types mDNS discovery reads and writes (RFC 1035, RFC 2782, RFC 3596).</summary>
public enum DnsRecordType : ushort
{
    A = 1,
    Ptr = 12,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Any = 255,
}
