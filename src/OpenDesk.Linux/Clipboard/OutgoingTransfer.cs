namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// An INCR transfer we are serving (ICCCM §2.7.2): the requestor deletes the property to ask for the next
/// chunk; a zero-length chunk ends it. A requestor that stops asking is abandoned at <see cref="Deadline"/>.
/// </summary>
internal sealed class OutgoingTransfer(nint requestor, nint property, nint type, byte[] data)
{
    public nint Requestor { get; } = requestor;

    public nint Property { get; } = property;

    public nint Type { get; } = type;

    public byte[] Data { get; } = data;

    /// <summary>How many bytes have been handed over so far.</summary>
    public int Offset { get; set; }

    /// <summary>Set once the terminating zero-length chunk is written.</summary>
    public bool Finished { get; set; }

    public DateTime Deadline { get; set; }
}
