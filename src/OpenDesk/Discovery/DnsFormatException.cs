namespace OpenDesk.Discovery;

/// <summary>A DNS message from the network is malformed. Receive loops drop the packet and carry on.</summary>
internal sealed class DnsFormatException : Exception
{
    public DnsFormatException(string message) : base(message) { }
}
