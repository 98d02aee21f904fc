using OpenDesk.Transport;

namespace OpenDesk.Client;

/// <summary>How a <c>RemoteComputer</c> connects and recovers.</summary>
public sealed class RemoteComputerOptions
{
    /// <summary>The opendesk home holding this controller's identity and trust store; <c>~/.opendesk</c> when null.</summary>
    public string? Home { get; init; }

    /// <summary>Reconnect on a transient failure (spec §19.3). Never after an eviction.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>Total time the reconnect loop may spend before giving up.</summary>
    public TimeSpan ReconnectBudget { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to look for a paired peer on the LAN (mDNS) when it has no cached address.</summary>
    public TimeSpan DiscoveryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Limit for the TCP connect plus the WebSocket upgrade.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A server silent for this long during the handshake is given up on.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest message accepted from the server (captures and file reads can be large).</summary>
    public long MaxMessageBytes { get; init; } = TransportOptions.DefaultMaxMessageBytes;

    /// <summary>Ping interval; a server that misses pongs for <see cref="KeepAliveTimeout"/> is treated as gone.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Opens the connection to a server URL instead of a WebSocket over TCP, e.g. an in-process listener's
    /// <c>ConnectAsync</c>. Null dials normally.
    /// </summary>
    public Func<Uri, CancellationToken, Task<IMessageTransport>>? Dialer { get; init; }

    internal TransportOptions ToTransportOptions() => new()
    {
        MaxMessageBytes = MaxMessageBytes,
        KeepAliveInterval = KeepAliveInterval,
        KeepAliveTimeout = KeepAliveTimeout,
    };
}
