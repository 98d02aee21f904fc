using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace OpenDesk.Cli;

/// <summary>Where a controller can reach this machine, to show beside a pairing code.</summary>
internal static class LocalAddresses
{
    /// <summary>
    /// <paramref name="listenHost"/> itself when it is one address; for a wildcard, this machine's IPv4 addresses on
    /// interfaces that are up (the ones mDNS announces, spec §23), else loopback, the only one left.
    /// </summary>
    public static IReadOnlyList<string> For(string listenHost)
    {
        if (IPAddress.TryParse(listenHost, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any))
        {
            return [listenHost];
        }

        if (!IPAddress.TryParse(listenHost, out _) && listenHost.Length > 0)
        {
            return [listenHost];
        }

        List<string> found;
        try
        {
            found = [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !IsLinkLocal(a))
                .Select(a => a.ToString())
                .Distinct()];
        }
        catch (NetworkInformationException)
        {
            found = [];
        }

        return found.Count > 0 ? found : ["127.0.0.1"];
    }

    private static bool IsLinkLocal(IPAddress address) => address.GetAddressBytes() is [169, 254, ..];
}
