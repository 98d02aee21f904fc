namespace OpenDesk.Linux.Clipboard;

/// <summary>
/// A converted selection as it arrived: the property type the owner chose, its format (8, 16 or 32) and the
/// bytes. Format-32 items are stored as 4-byte little-endian values (the wire size), not as C longs.
/// </summary>
internal sealed record SelectionData(nint Type, int Format, byte[] Data);
