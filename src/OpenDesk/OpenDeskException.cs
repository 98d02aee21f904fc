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

/// <summary>A handshake failed. <see cref="Reason"/> is one of <see cref="AuthFailureReason"/>'s values.</summary>
public sealed class AuthenticationException : OpenDeskException
{
    public AuthenticationException(string reason, string message, Exception? inner = null)
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
public static class AuthFailureReason
{
    public const string WrongCode = "wrong_code";
    public const string UntrustedPeer = "untrusted_peer";
    public const string UnexpectedPeer = "unexpected_peer";
    public const string Protocol = "protocol";
}

/// <summary>The connection is gone: the peer closed it, the network dropped, or a frame failed its integrity check.</summary>
public sealed class ConnectionClosedException : OpenDeskException
{
    public ConnectionClosedException(string message, Exception? inner = null) : base(message, inner) { }
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
