namespace OpenDesk.Transport;

/// <summary>
/// A message-oriented, ordered, reliable byte pipe: one protocol unit per message (spec §1).
/// Implementations allow one concurrent sender and one concurrent receiver.
/// </summary>
internal interface IMessageTransport : IAsyncDisposable
{
    /// <summary><c>"{ip}:{port}"</c> of the other end, or <c>"?"</c> when unknown.</summary>
    string RemoteAddress { get; }

    /// <summary>Sends one binary message. Throws <see cref="ConnectionClosedException"/> when the transport is closed.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next binary message, or <c>null</c> when the peer closed the transport.
    /// Throws <see cref="ConnectionClosedException"/> when the transport failed or the peer broke the
    /// rules (a text message, a message above the size limit, a missed pong).
    /// </summary>
    ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Closes the transport. Idempotent; never throws.</summary>
    ValueTask CloseAsync(TransportCloseStatus status = TransportCloseStatus.Normal, string reason = "");
}

/// <summary>Why a transport is closed; maps to WebSocket close codes.</summary>
internal enum TransportCloseStatus
{
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    UnsupportedData = 1003,
    MessageTooBig = 1009,
}
