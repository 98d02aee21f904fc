namespace OpenDesk.Computer.Modules;

/// <summary>
/// The <c>input.subscribe</c> stream: the user's own pointer and key events. Separate from
/// <see cref="IInputModule"/> because the spec gives the stream no capability of its own (it reports
/// <c>input.pointer</c>), so whether a backend can observe input is told by the presence of this module. It may
/// list input capabilities, or none.
/// </summary>
public interface IInputStreamModule : IComputerModule
{
    /// <summary>Each item is a <see cref="PointerEvent"/> or a <see cref="KeyEvent"/>.</summary>
    IAsyncEnumerable<object> SubscribeInputAsync(CancellationToken cancellationToken);
}
