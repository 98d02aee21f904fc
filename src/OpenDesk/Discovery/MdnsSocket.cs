using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace OpenDesk.Discovery;

/// <summary>
/// One IPv4 UDP socket for mDNS: bound to 0.0.0.0:5353 with address reuse so several processes on a host can share
/// the port, member of 224.0.0.251 on each candidate interface, with multicast loopback on so those processes hear each
/// other. Everything is set up synchronously in <see cref="Open"/>; a socket keeps the network namespace of the
/// thread that created it.
/// </summary>
public sealed class MdnsSocket : IDisposable
{
    // Large enough for any UDP datagram, so an oversized packet is seen whole and dropped rather than half-parsed.
    private const int ReceiveBufferBytes = 65536;
    private const int MulticastTtl = 255;

    private static readonly IPEndPoint AnyEndPoint = new(IPAddress.Any, 0);

    private readonly Socket _socket;
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private MdnsSocket(Socket socket, bool onMdnsPort, IReadOnlyList<MdnsInterface> interfaces, IReadOnlyList<IPAddress> localAddresses)
    {
        _socket = socket;
        OnMdnsPort = onMdnsPort;
        Interfaces = interfaces;
        LocalAddresses = localAddresses;
    }

    /// <summary>
    /// True when bound to 5353. A browser that could not get the port falls back to an ephemeral one; responders
    /// then reply to it by unicast (RFC 6762 §6.7), and it hears no multicast.
    /// </summary>
    public bool OnMdnsPort { get; }

    /// <summary>The interfaces this socket sends on (and, on port 5353, has joined the group on).</summary>
    public IReadOnlyList<MdnsInterface> Interfaces { get; }

    /// <summary>The addresses an advertiser publishes, read in the same pass as <see cref="Interfaces"/>.</summary>
    public IReadOnlyList<IPAddress> LocalAddresses { get; }

    /// <param name="allowEphemeralPort">Fall back to an ephemeral port when 5353 cannot be bound (browsers only).</param>
    /// <param name="logger">Receives per-interface join failures at debug level.</param>
    /// <exception cref="MdnsException">No interface to use, or the socket cannot be bound or joined to the group.</exception>
    public static MdnsSocket Open(bool allowEphemeralPort, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        IReadOnlyList<MdnsInterface> all;
        try
        {
            all = MdnsInterface.Enumerate();
        }
        catch (NetworkInformationException e)
        {
            throw new MdnsException($"cannot list network interfaces: {e.Message}", e);
        }

        IReadOnlyList<MdnsInterface> candidates = MdnsInterface.MulticastCandidates(all);
        if (candidates.Count == 0)
        {
            throw new MdnsException("no network interface with an IPv4 address is up");
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            bool onMdnsPort = Bind(socket, allowEphemeralPort);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, MulticastTtl);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            socket.Ttl = MulticastTtl;

            var joined = new List<MdnsInterface>();
            SocketException? lastError = null;
            foreach (MdnsInterface candidate in candidates)
            {
                if (!onMdnsPort)
                {
                    joined.Add(candidate);
                    continue;
                }

                try
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(MdnsProtocol.Group, candidate.Index));
                    joined.Add(candidate);
                }
                catch (SocketException e)
                {
                    lastError = e;
                    logger.LogDebug("mDNS: cannot join {Group} on {Interface}: {Error}", MdnsProtocol.Group, candidate.Name, e.Message);
                }
            }

            if (joined.Count == 0)
            {
                throw new MdnsException(
                    $"cannot join {MdnsProtocol.Group} on any interface ({string.Join(", ", candidates.Select(c => c.Name))}): {lastError?.Message}", lastError);
            }

            return new MdnsSocket(socket, onMdnsPort, joined, MdnsInterface.AdvertisedAddresses(all));
        }
        catch (Exception e) when (e is SocketException or MdnsException)
        {
            socket.Dispose();
            throw e as MdnsException ?? new MdnsException($"cannot set up the mDNS socket: {e.Message}", e);
        }
    }

    public MdnsInterface? InterfaceByIndex(int index) => Interfaces.FirstOrDefault(i => i.Index == index);

    /// <summary>
    /// Sends to 224.0.0.251:5353 out of <paramref name="via"/>, or out of every interface when null.
    /// </summary>
    /// <exception cref="MdnsException">The packet could not be sent on any of the interfaces.</exception>
    public async Task SendMulticastAsync(byte[] packet, MdnsInterface? via, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        IReadOnlyList<MdnsInterface> targets = via is null ? Interfaces : [via];
        var failures = new List<string>();
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (MdnsInterface target in targets)
            {
                try
                {
                    // By address rather than index: with an index Linux leaves the source 0.0.0.0 on loopback.
                    _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, target.Addresses[0].GetAddressBytes());
                    await _socket.SendToAsync(packet, SocketFlags.None, MdnsProtocol.GroupEndPoint, cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    failures.Add($"{target.Name}: {e.Message}");
                }
            }
        }
        finally
        {
            _sendLock.Release();
        }

        if (failures.Count == targets.Count)
        {
            throw new MdnsException($"cannot send to {MdnsProtocol.GroupEndPoint}: {string.Join("; ", failures)}");
        }
    }

    /// <exception cref="SocketException">The datagram could not be sent.</exception>
    public async Task SendUnicastAsync(byte[] packet, IPEndPoint destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(destination);
        await _socket.SendToAsync(packet, SocketFlags.None, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Receives until <paramref name="cancellationToken"/> fires or the socket is disposed, handing each well-formed
    /// message to <paramref name="handler"/> with its source and receiving interface index. Nothing from the network
    /// ends the loop: oversized or malformed packets are dropped, and handler or socket errors are logged.
    /// </summary>
    public async Task ReceiveLoopAsync(
        Func<DnsMessage, IPEndPoint, int, CancellationToken, ValueTask> handler, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        byte[] buffer = new byte[ReceiveBufferBytes];
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                received = await _socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, AnyEndPoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.OperationAborted)
            {
                // The socket was closed under the pending receive.
                return;
            }
            catch (SocketException e)
            {
                // Transient errors (an ICMP error queued by an earlier send, a vanished interface); pause so a
                // persistent one cannot spin the CPU.
                logger.LogDebug("mDNS receive failed: {Error}", e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            if (received.ReceivedBytes > MdnsProtocol.MaxMessageBytes || received.RemoteEndPoint is not IPEndPoint source)
            {
                continue;
            }

            DnsMessage message;
            try
            {
                message = DnsMessage.Parse(buffer.AsSpan(0, received.ReceivedBytes));
            }
            catch (DnsFormatException e)
            {
                logger.LogTrace("mDNS: dropped a malformed packet from {Source}: {Error}", source, e.Message);
                continue;
            }

            try
            {
                await handler(message, source, received.PacketInformation.Interface, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is SocketException or MdnsException or ObjectDisposedException)
            {
                logger.LogDebug("mDNS: handling a packet from {Source} failed: {Error}", source, e.Message);
            }
            catch (Exception e)
            {
                // A bug in handling one odd packet must not silence discovery for the life of the process.
                logger.LogWarning(e, "mDNS: unexpected error handling a packet from {Source}", source);
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sendLock.Dispose();
    }

    private static bool Bind(Socket socket, bool allowEphemeralPort)
    {
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, MdnsProtocol.Port));
            return true;
        }
        catch (SocketException) when (allowEphemeralPort)
        {
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            return false;
        }
    }
}
