using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OpenDesk.Discovery;

/// <summary>A network interface with IPv4 addresses, as mDNS sees it.</summary>
public sealed record MdnsInterface(int Index, string Name, IReadOnlyList<IPAddress> Addresses, bool IsLoopback, bool SupportsMulticast)
{
    private static readonly IPAddress[] LoopbackOnly = [IPAddress.Loopback];

    /// <summary>
    /// The interfaces that are up and have an IPv4 address. "Unknown" counts as up: Linux reports loopback, tun and
    /// many virtual links that way although they carry traffic.
    /// </summary>
    /// <exception cref="NetworkInformationException">The interface list cannot be read.</exception>
    public static IReadOnlyList<MdnsInterface> Enumerate()
    {
        var interfaces = new List<MdnsInterface>();
        foreach (NetworkInterface nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown))
            {
                continue;
            }

            IPInterfaceProperties properties = nic.GetIPProperties();
            IPAddress[] addresses = [.. properties.UnicastAddresses
                .Select(unicast => unicast.Address)
                .Where(address => address.AddressFamily == AddressFamily.InterNetwork)];
            if (addresses.Length == 0 || properties.GetIPv4Properties() is not { } ipv4)
            {
                continue;
            }

            interfaces.Add(new MdnsInterface(ipv4.Index, nic.Name, addresses, nic.NetworkInterfaceType == NetworkInterfaceType.Loopback, nic.SupportsMulticast));
        }

        return interfaces;
    }

    /// <summary>
    /// Where to join 224.0.0.251: every multicast-capable non-loopback interface, or loopback when nothing else
    /// exists, so processes on an offline machine (or in a bare network namespace) still find each other.
    /// </summary>
    public static IReadOnlyList<MdnsInterface> MulticastCandidates(IReadOnlyList<MdnsInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        MdnsInterface[] external = [.. interfaces.Where(i => !i.IsLoopback && i.SupportsMulticast)];
        return external.Length > 0 ? external : [.. interfaces.Where(i => i.IsLoopback)];
    }

    /// <summary>
    /// Spec §23: the machine's non-loopback IPv4 addresses, those on multicast interfaces first since that is where
    /// browsers hear us; 127.0.0.1 when there are none.
    /// </summary>
    public static IReadOnlyList<IPAddress> AdvertisedAddresses(IReadOnlyList<MdnsInterface> interfaces)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        IPAddress[] addresses = [.. interfaces
            .Where(i => !i.IsLoopback)
            .OrderBy(i => !i.SupportsMulticast)
            .SelectMany(i => i.Addresses)
            .Where(a => !IPAddress.IsLoopback(a))
            .Distinct()];
        return addresses.Length > 0 ? addresses : LoopbackOnly;
    }
}
