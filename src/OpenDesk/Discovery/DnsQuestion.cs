namespace OpenDesk.Discovery;

/// <summary>
/// One question. <see cref="UnicastResponse"/> is the mDNS QU bit (top bit of the class field, RFC 6762 §5.4):
/// the querier asks for a unicast reply.
/// </summary>
public sealed record DnsQuestion(DnsName Name, DnsRecordType Type, bool UnicastResponse = false);
