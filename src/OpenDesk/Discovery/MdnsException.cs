namespace OpenDesk.Discovery;

/// <summary>mDNS cannot run on this machine right now: no usable interface, or the multicast socket cannot be set up.</summary>
public sealed class MdnsException : OpenDeskException
{
    public MdnsException(string message, Exception? inner = null) : base(message, inner) { }
}
