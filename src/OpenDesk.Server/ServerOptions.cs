using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Server.Transport;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Server;

/// <summary>How an <see cref="OpenDeskServer"/> listens and whom it serves.</summary>
public sealed class ServerOptions
{
    public const int DefaultPort = 8423;

    /// <summary>Default time within which a controller that vanished without closing loses its slot.</summary>
    public static readonly TimeSpan DefaultLivenessTimeout = TimeSpan.FromSeconds(10);

    public required OpenDeskHome Home { get; init; }

    /// <summary>The desktop this server exposes.</summary>
    public required IComputer Computer { get; init; }

    public string Host { get; init; } = "0.0.0.0";

    /// <summary>TCP port; 0 lets the OS choose (see <see cref="OpenDeskServer.Port"/>).</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>A peer silent for this long during a handshake is dropped (spec §7.4).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Upper bound for detecting a controller that vanished without closing (network gone, process frozen):
    /// pings go out after a quarter of it without traffic, and a controller silent for three quarters of it, and
    /// not taking our data either, is dropped. A live controller busy receiving a long result is never dropped.
    /// </summary>
    public TimeSpan LivenessTimeout { get; init; } = DefaultLivenessTimeout;

    /// <summary>Largest message accepted from an authenticated controller.</summary>
    public long MaxMessageBytes { get; init; } = TransportOptions.DefaultMaxMessageBytes;

    /// <summary>
    /// Where connections come from; null for WebSocket on <see cref="Host"/>:<see cref="Port"/>. An
    /// <see cref="InMemoryListener"/> serves in-process connections with no socket.
    /// </summary>
    public ISessionListenerFactory? Listener { get; init; }

    /// <summary>Caps and penalties for connections that have not authenticated yet.</summary>
    public ConnectionLimits ConnectionLimits { get; init; } = new();

    /// <summary>Requests one controller may have running at once; more are answered with an error at once.</summary>
    public int MaxCallsInFlight { get; init; } = 128;

    /// <summary>
    /// Answer pairing handshakes only, as a standalone pairing window does (spec §6.7): an <c>auth_hello</c> fails with
    /// <c>protocol: expected pair_hello, got 'auth_hello'</c>, so a paired controller reconnecting meanwhile cannot take
    /// the slot from the one pairing. A serving daemon keeps this off and serves its paired controllers during a window.
    /// </summary>
    public bool PairingOnly { get; init; }

    /// <summary>Serve the admin IPC (<c>&lt;home&gt;/admin.sock</c>, or a named pipe on Windows).</summary>
    public bool EnableAdmin { get; init; } = true;

    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Who approves each call; everything is allowed by default.</summary>
    public Policy.IApprovalPolicy Policy { get; init; } = new Policy.AllowAllPolicy();

    /// <summary>Write <c>&lt;home&gt;/audit/YYYY-MM-DD.jsonl</c>.</summary>
    public bool Audit { get; init; } = true;

    internal TransportOptions ToTransportOptions() => new()
    {
        MaxMessageBytes = MaxMessageBytes,
        KeepAliveInterval = LivenessTimeout / 4,

        // The WebSocket checks whether a ping is due about once a second; the silence allowed must cover that.
        KeepAliveTimeout = TimeSpan.FromTicks(Math.Max((LivenessTimeout * 3 / 4).Ticks, (LivenessTimeout / 4 + TimeSpan.FromSeconds(1.5)).Ticks)),
    };
}
