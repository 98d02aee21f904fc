using OpenDesk.Computer;

namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// A clipboard.write waiting for the server timestamp it needs: ICCCM forbids claiming a selection with
/// CurrentTime, so we append to a property and take the time from the PropertyNotify.
/// </summary>
internal sealed class PendingOwnership(ClipboardContents contents, IReadOnlyDictionary<nint, (nint Type, byte[] Data)>? offers, DateTime deadline)
{
    public ClipboardContents Contents { get; } = contents;

    /// <summary>Target atom to the property type and bytes served for it; null to clear the clipboard.</summary>
    public IReadOnlyDictionary<nint, (nint Type, byte[] Data)>? Offers { get; } = offers;

    public DateTime Deadline { get; } = deadline;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
