using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Server;

/// <summary>How an <see cref="OpenDeskServer"/> listens and whom it serves.</summary>
public sealed class ServerOptions
{
    public const int DefaultPort = 8423;

    /// <summary>Default time within which a controller that vanished without closing loses its slot.</summary>
    public static readonly TimeSpan DefaultLivenessTimeout = TimeSpan.FromSeconds(30);

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
    /// pings go out every third of it and a missing pong aborts the connection after half of it.
    /// </summary>
    public TimeSpan LivenessTimeout { get; init; } = DefaultLivenessTimeout;

    /// <summary>Largest message accepted from a controller.</summary>
    public long MaxMessageBytes { get; init; } = TransportOptions.DefaultMaxMessageBytes;

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
        KeepAliveInterval = LivenessTimeout / 3,
        KeepAliveTimeout = LivenessTimeout / 2,
    };
}
