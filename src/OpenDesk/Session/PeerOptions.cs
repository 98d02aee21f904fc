namespace OpenDesk.Session;

/// <summary>Tuning of the RPC layer.</summary>
public sealed class PeerOptions
{
    /// <summary>Items buffered per incoming stream before the receive loop waits for the consumer (spec §11).</summary>
    public int StreamBufferSize { get; init; } = 64;

    /// <summary>
    /// How long the receive loop waits for a stream consumer with a full buffer before failing that one
    /// stream. Waiting forever would stop every other call and the WebSocket's pong handling with it.
    /// </summary>
    public TimeSpan StreamStallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Requests of the peer handled at once (unary and streams). Beyond it a request is answered at once with an
    /// <c>internal</c> error saying so, so pipelining cannot pile up work or memory.
    /// </summary>
    public int MaxConcurrentHandlers { get; init; } = 128;

    /// <summary>Our own unary calls in flight at once; more wait for a slot. Kept below a server's handler limit.</summary>
    public int MaxConcurrentCalls { get; init; } = 64;

    /// <summary>How long a close waits for handlers that were cancelled to finish.</summary>
    public TimeSpan HandlerDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
