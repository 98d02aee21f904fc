namespace OpenDesk.Computer.Modules;

/// <summary>The clipboard (capabilities <c>clipboard.read</c>, <c>clipboard.write</c>).</summary>
public interface IClipboardModule : IComputerModule
{
    /// <summary><c>clipboard.read</c>.</summary>
    Task<ClipboardContents> ReadClipboardAsync(CancellationToken cancellationToken);

    /// <summary><c>clipboard.write</c>.</summary>
    Task WriteClipboardAsync(ClipboardContents contents, CancellationToken cancellationToken);
}
