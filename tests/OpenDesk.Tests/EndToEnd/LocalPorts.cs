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

    /// <summary>
    /// A loopback port that refuses connections for as long as the socket lives: bound, so no parallel test can
    /// take it, but not listening. A port that was merely free a moment ago may be someone's by the time it is used.
    /// </summary>
    public static Socket Refusing()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;
}
