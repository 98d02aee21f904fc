namespace OpenDesk.Session;

/// <summary>Tuning of the RPC layer.</summary>
internal sealed class PeerOptions
{
    /// <summary>Items buffered per incoming stream before the receive loop waits for the consumer (spec §11).</summary>
    public int StreamBufferSize { get; init; } = 64;

    /// <summary>
    /// How long the receive loop waits for a stream consumer with a full buffer before failing that one
    /// stream. Waiting forever would stop every other call and the WebSocket's pong handling with it.
    /// </summary>
    public TimeSpan StreamStallTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
