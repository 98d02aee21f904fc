namespace OpenDesk;

/// <summary>Root of every error the opendesk library raises on purpose.</summary>
public class OpenDeskException : Exception
{
    public OpenDeskException(string message) : base(message) { }
    public OpenDeskException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// A wire-level error with an opendesk error code (spec §14): a malformed frame (<c>protocol</c>),
/// a rejected HELLO (<c>busy</c>) or an error returned by the remote side.
/// </summary>
public class ProtocolException : OpenDeskException
{
    public ProtocolException(string code, string message, IReadOnlyDictionary<string, object?>? details = null, Exception? inner = null)
        : base(message.Length == 0 ? code : $"{code}: {message}", inner)
    {
        Code = code;
        Detail = message;
        Details = details ?? new Dictionary<string, object?>();
    }

    /// <summary>The wire error code, e.g. <c>protocol</c>, <c>busy</c>, <c>not_found</c>.</summary>
    public string Code { get; }

    /// <summary>The human-readable message as sent on the wire, without the code prefix.</summary>
    public string Detail { get; }

    /// <summary>Structured extra data sent with the error.</summary>
    public IReadOnlyDictionary<string, object?> Details { get; }

    /// <summary>A decode failure of untrusted bytes.</summary>
    public static ProtocolException Malformed(string message, Exception? inner = null) => new(ErrorCodes.Protocol, message, null, inner);
}

/// <summary>The server does not support the called method (<c>capability_unsupported</c>).</summary>
public sealed class CapabilityUnsupportedException : ProtocolException
{
    public CapabilityUnsupportedException(string capability, string backend, string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(ErrorCodes.CapabilityUnsupported, message, details)
    {
        Capability = capability;
        Backend = backend;
    }

    public string Capability { get; }
    public string Backend { get; }
}

/// <summary>The server's approval policy refused the call (<c>permission_denied</c>).</summary>
public sealed class PermissionDeniedException : ProtocolException
{
    public PermissionDeniedException(string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(ErrorCodes.PermissionDenied, message, details) { }
}

/// <summary>
/// A pairing or authentication handshake failed (spec §6.5). <see cref="Reason"/> is one of
/// <see cref="HandshakeFailureReason"/>'s values, the part other implementations agree on.
/// </summary>
public sealed class HandshakeException : OpenDeskException
{
    public HandshakeException(string reason, string message, Exception? inner = null)
        : base(message.Length == 0 ? reason : $"{reason}: {message}", inner)
    {
        Reason = reason;
        Detail = message;
    }

    /// <summary><c>wrong_code</c>, <c>untrusted_peer</c>, <c>unexpected_peer</c> or <c>protocol</c>.</summary>
    public string Reason { get; }

    public string Detail { get; }
}

/// <summary>Handshake failure reasons (spec §6.5), a closed set.</summary>
public static class HandshakeFailureReason
{
    public const string WrongCode = "wrong_code";
    public const string UntrustedPeer = "untrusted_peer";
    public const string UnexpectedPeer = "unexpected_peer";
    public const string Protocol = "protocol";
}

/// <summary>The connection is gone: the peer closed it, the network dropped, or a frame failed its integrity check.</summary>
public sealed class ConnectionClosedException : OpenDeskException
{
    /// <param name="message">The spec's text for the case, e.g. <c>peer disconnected</c>.</param>
    /// <param name="inner">What the transport reported, if anything.</param>
    /// <param name="reason">Why, for code to act on; by default read from the spec's texts.</param>
    public ConnectionClosedException(string message, Exception? inner = null, ConnectionCloseReason? reason = null)
        : base(message, inner)
    {
        Reason = reason ?? ReasonOf(message);
    }

    /// <summary>Why the connection ended.</summary>
    public ConnectionCloseReason Reason { get; }

    private static ConnectionCloseReason ReasonOf(string message) => message switch
    {
        "frame integrity check failed" => ConnectionCloseReason.IntegrityFailure,
        "peer closed" or "connection is closed" or "send on closed connection" or "recv on closed connection" or "peer is closed" => ConnectionCloseReason.ClosedLocally,
        "peer closed the connection" => ConnectionCloseReason.ClosedByPeer,
        "peer disconnected (keepalive timeout: no pong)" => ConnectionCloseReason.KeepAliveTimeout,
        _ when message.StartsWith("message exceeds the ", StringComparison.Ordinal) => ConnectionCloseReason.MessageTooLarge,
        _ when message.StartsWith("received text frame", StringComparison.Ordinal) => ConnectionCloseReason.ProtocolViolation,
        _ when message.StartsWith("cannot connect to ", StringComparison.Ordinal) => ConnectionCloseReason.Unreachable,
        _ => ConnectionCloseReason.Disconnected,
    };
}

/// <summary>Why a connection ended (<see cref="ConnectionClosedException.Reason"/>).</summary>
public enum ConnectionCloseReason
{
    /// <summary>The network or the peer went away without a close (<c>peer disconnected</c>).</summary>
    Disconnected,

    /// <summary>The peer closed the connection.</summary>
    ClosedByPeer,

    /// <summary>This side closed it; later calls fail with this.</summary>
    ClosedLocally,

    /// <summary>The peer stopped answering pings and was not taking our data either.</summary>
    KeepAliveTimeout,

    /// <summary>A frame failed authentication: tampered, replayed, reordered or lost.</summary>
    IntegrityFailure,

    /// <summary>The peer sent a message above the receive limit.</summary>
    MessageTooLarge,

    /// <summary>The peer broke the transport's rules (a text message).</summary>
    ProtocolViolation,

    /// <summary>The server could not be reached or refused the WebSocket upgrade.</summary>
    Unreachable,
}

/// <summary>
/// The server refused this controller because another one holds the single slot (<c>busy</c>, spec §9.5).
/// Back off, or ask whoever runs the desk to <c>opendesk disconnect</c> the active controller.
/// </summary>
public sealed class BusyException : ProtocolException
{
    private const string Prefix = "server is busy: ";
    private const string Suffix = " is the active controller. Disconnect them to take over.";

    public BusyException(string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(ErrorCodes.Busy, message, details)
    {
        ActiveController = message.StartsWith(Prefix, StringComparison.Ordinal) && message.EndsWith(Suffix, StringComparison.Ordinal)
            ? message[Prefix.Length..^Suffix.Length]
            : null;
    }

    /// <summary>The active controller's name as the server gave it (several joined by ", "), or null when its message had another form.</summary>
    public string? ActiveController { get; }

    /// <summary>
    /// Set when this came from pairing: the code was right and both sides stored the pairing (this is the desk as
    /// stored here), but the desk's one controller slot is taken, so connect once it is free.
    /// </summary>
    public Trust.TrustedPeer? PairedPeer { get; init; }
}

/// <summary>
/// What was asked for does not exist: a window, an application, a UI element, a path. Backends throw it; the
/// server answers <c>not_found</c>.
/// </summary>
public sealed class NotFoundException : OpenDeskException
{
    public NotFoundException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// The server evicted this controller (<c>session.evicted</c>): <c>opendesk disconnect</c>, an unpair, or the same
/// controller connecting again elsewhere. The client does not reconnect on its own after this.
/// </summary>
public sealed class SessionEvictedException : OpenDeskException
{
    public SessionEvictedException(string reason)
        : base(reason.Length == 0 ? "session evicted by server" : $"session evicted by server: {reason}")
    {
        Reason = reason;
    }

    public string Reason { get; }
}
