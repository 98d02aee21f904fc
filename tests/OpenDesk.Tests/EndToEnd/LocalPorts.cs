using System.Net;
using System.Net.Sockets;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>Ports for daemons started by tests: asked of the OS, on loopback only.</summary>
internal static class LocalPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
