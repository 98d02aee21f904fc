using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OpenDesk.Discovery;

namespace OpenDesk.Tests.Discovery;

/// <summary>
/// A plain socket on 224.0.0.251:5353 that records what goes over the wire, independent of the advertiser's own
/// socket code.
/// </summary>
internal sealed class RawListener : IDisposable
{
    private readonly Socket _socket;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private RawListener(Socket socket) => _socket = socket;

    public static RawListener Open()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, MdnsProtocol.Port));
        foreach (MdnsInterface nic in MdnsInterface.MulticastCandidates(MdnsInterface.Enumerate()))
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(MdnsProtocol.Group, nic.Index));
        }

        return new RawListener(socket);
    }

    /// <summary>Waits for <paramref name="count"/> parsed messages that match, or until <paramref name="timeout"/>.</summary>
    public async Task<List<(TimeSpan At, DnsMessage Message)>> CollectAsync(Func<DnsMessage, bool> match, int count, TimeSpan timeout)
    {
        var matches = new List<(TimeSpan, DnsMessage)>();
        byte[] buffer = new byte[65536];
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (matches.Count < count)
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), deadline.Token);
                DnsMessage message;
                try
                {
                    message = DnsMessage.Parse(buffer.AsSpan(0, received.ReceivedBytes));
                }
                catch (DnsFormatException)
                {
                    continue;
                }

                if (match(message))
                {
                    matches.Add((_clock.Elapsed, message));
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Return what arrived; the caller's assertions say what was missing.
        }

        return matches;
    }

    public void Dispose() => _socket.Dispose();
}
