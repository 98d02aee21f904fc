using System.Net;
using Microsoft.Extensions.Logging;
using OpenDesk.Discovery;

namespace OpenDesk.Server.Discovery;

/// <summary>
/// Advertises one opendesk server over mDNS (spec §23) until disposed: answers queries for the service type, the
/// instance and its host name, announces itself twice on start (RFC 6762 §8.3) and says goodbye on dispose.
/// </summary>
/// <remarks>
/// Advertising is never fatal (spec §23): when mDNS cannot run here, <see cref="StartAsync"/> logs a warning and
/// returns an advertiser with <see cref="IsAdvertising"/> false that does nothing, so the server keeps serving.
/// </remarks>
public sealed class MdnsAdvertiser : IAsyncDisposable
{
    /// <summary>RFC 6762 §8.3: the second announcement follows the first after one second.</summary>
    public static readonly TimeSpan AnnouncementInterval = TimeSpan.FromSeconds(1);

    private readonly MdnsSocket? _socket;
    private readonly MdnsResponder? _responder;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _receiveLoop = Task.CompletedTask;
    private Task _secondAnnouncement = Task.CompletedTask;
    private int _disposed;

    private MdnsAdvertiser(MdnsServiceInfo service, MdnsSocket? socket, ILogger logger)
    {
        Service = service;
        _socket = socket;
        _logger = logger;
        if (socket is not null)
        {
            _responder = new MdnsResponder(service, socket.LocalAddresses);
        }
    }

    public MdnsServiceInfo Service { get; }

    /// <summary>False when mDNS could not be set up and this advertiser does nothing.</summary>
    public bool IsAdvertising => _socket is not null;

    /// <summary>The A record addresses published, empty when not advertising.</summary>
    public IReadOnlyList<IPAddress> Addresses => _socket?.LocalAddresses ?? [];

    /// <summary>
    /// Starts answering and sends the first announcement before returning; the second follows in the background.
    /// The socket is opened synchronously, before the first await, on the calling thread.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<MdnsAdvertiser> StartAsync(MdnsServiceInfo service, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(logger);
        cancellationToken.ThrowIfCancellationRequested();
        MdnsSocket socket;
        try
        {
            socket = MdnsSocket.Open(allowEphemeralPort: false, logger);
        }
        catch (MdnsException e)
        {
            logger.LogWarning("mDNS advertising is off, the server is not discoverable on the LAN: {Reason}", e.Message);
            return new MdnsAdvertiser(service, null, logger);
        }

        var advertiser = new MdnsAdvertiser(service, socket, logger);
        advertiser._receiveLoop = socket.ReceiveLoopAsync(advertiser.OnMessageAsync, logger, advertiser._stop.Token);
        try
        {
            await advertiser.AnnounceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await advertiser.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        advertiser._secondAnnouncement = advertiser.AnnounceLaterAsync(advertiser._stop.Token);
        logger.LogInformation("mDNS: advertising {Instance} on port {Port} via {Interfaces} ({Addresses})",
            service.InstanceName, service.Port, string.Join(", ", socket.Interfaces.Select(i => i.Name)), string.Join(", ", socket.LocalAddresses));
        return advertiser;
    }

    /// <summary>Stops answering and sends the goodbye (every record with TTL 0). Safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_socket is null || _responder is null)
        {
            _stop.Dispose();
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _receiveLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _secondAnnouncement.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            await _socket.SendMulticastAsync(_responder.Goodbye().Encode(), via: null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MdnsException e)
        {
            _logger.LogWarning("mDNS: could not send the goodbye for {Instance}; browsers will drop it when its records expire: {Reason}",
                Service.InstanceName, e.Message);
        }

        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        foreach (MdnsInterface nic in _socket!.Interfaces)
        {
            try
            {
                await _socket.SendMulticastAsync(_responder!.Announcement(nic.Addresses).Encode(), nic, cancellationToken).ConfigureAwait(false);
            }
            catch (MdnsException e)
            {
                _logger.LogWarning("mDNS: announcing {Instance} on {Interface} failed: {Reason}", Service.InstanceName, nic.Name, e.Message);
            }
        }
    }

    private async Task AnnounceLaterAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(AnnouncementInterval, cancellationToken).ConfigureAwait(false);
            await AnnounceAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed within the first second: the goodbye replaces the second announcement.
        }
    }

    private async ValueTask OnMessageAsync(DnsMessage message, IPEndPoint source, int interfaceIndex, CancellationToken cancellationToken)
    {
        if (message.IsResponse)
        {
            return;
        }

        bool legacyUnicast = source.Port != MdnsProtocol.Port;
        MdnsInterface? nic = _socket!.InterfaceByIndex(interfaceIndex);
        DnsMessage? response = _responder!.Answer(message, legacyUnicast, nic?.Addresses);
        if (response is null)
        {
            return;
        }

        byte[] packet = response.Encode();
        if (legacyUnicast || message.Questions.Any(q => q.UnicastResponse))
        {
            await _socket.SendUnicastAsync(packet, source, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _socket.SendMulticastAsync(packet, nic, cancellationToken).ConfigureAwait(false);
        }
    }
}
