namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// A conversion we asked the owner for, awaiting its SelectionNotify and, for INCR replies, every chunk.
/// Completed with null when the owner refuses, gives up or misses <see cref="Deadline"/>.
/// </summary>
internal sealed class PendingConversion(nint target, DateTime deadline)
{
    public nint Target { get; } = target;

    public TaskCompletionSource<SelectionData?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Pushed back on every sign of progress, so only a stalled owner times out, not a large transfer.</summary>
    public DateTime Deadline { get; set; } = deadline;

    /// <summary>The INCR transfer in progress, or null before the reply or for a single-shot reply.</summary>
    public MemoryStream? Incoming { get; set; }

    /// <summary>The type announced by the chunks of an INCR transfer.</summary>
    public nint IncomingType { get; set; }

    public int IncomingFormat { get; set; }
}
