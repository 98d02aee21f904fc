namespace OpenDesk.Transport;

/// <summary>
/// A message-oriented, ordered, reliable byte pipe: one protocol unit per message (spec §1).
/// Implementations allow one concurrent sender and one concurrent receiver; <see cref="CloseAsync"/> may be
/// called at any time from any thread.
/// </summary>
/// <remarks>
/// <para>Returned <see cref="ValueTask"/>s may come from pooled builders: await each exactly once.</para>
/// <para>
/// Cancelling a pending <see cref="SendAsync"/> or <see cref="ReceiveAsync"/> throws
/// <see cref="OperationCanceledException"/>, and on a WebSocket it also aborts the connection, because a
/// half-sent or half-read message cannot be resumed. Treat a cancelled operation as the end of the transport.
/// </para>
/// </remarks>
public interface IMessageTransport : IAsyncDisposable
{
    /// <summary><c>"{ip}:{port}"</c> of the other end, or <c>"?"</c> when unknown.</summary>
    string RemoteAddress { get; }

    /// <summary>
    /// The largest message <see cref="ReceiveAsync"/> accepts from now on. A handshake runs under a small limit,
    /// raised once the peer has authenticated, so a stranger cannot make us buffer megabytes.
    /// </summary>
    long MaxMessageBytes { get; set; }

    /// <summary>
    /// Sends one binary message. The caller may reuse <paramref name="message"/>'s memory once the returned
    /// task completes. Throws <see cref="ConnectionClosedException"/> when the transport is closed or broken.
    /// </summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next binary message, or <c>null</c> once the transport closed cleanly: the peer closed it, or
    /// this side called <see cref="CloseAsync"/>. Throws <see cref="ConnectionClosedException"/> when the
    /// transport failed (<c>"peer disconnected"</c>, a missed pong) or the peer broke the rules (a text message,
    /// a message above the size limit); after that, every call throws the same.
    /// </summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the transport: a close handshake bounded by a short timeout, then the connection is dropped.
    /// Idempotent (later calls wait for the first close); never throws.
    /// </summary>
    ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "");
}

/// <summary>Why a transport is closed; maps to WebSocket close codes.</summary>
public enum TransportCloseStatus
{
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    MessageTooBig = 1009,
}
