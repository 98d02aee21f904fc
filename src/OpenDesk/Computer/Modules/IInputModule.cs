namespace OpenDesk.Computer.Modules;

/// <summary>
/// Synthetic input (capabilities <c>input.pointer</c>, <c>input.keyboard</c>, <c>input.text</c>). Each method is
/// only called when the module lists its capability.
/// </summary>
public interface IInputModule : IComputerModule
{
    /// <summary><c>input.pointer</c>: one pointer event.</summary>
    Task PointerAsync(PointerEvent pointerEvent, CancellationToken cancellationToken);

    /// <summary><c>input.key</c> (<c>input.keyboard</c>): one key event.</summary>
    Task KeyAsync(KeyEvent keyEvent, CancellationToken cancellationToken);

    /// <summary><c>input.text</c>: types text, by synthesised keys, pasting or an input method as the module chooses.</summary>
    Task TextAsync(TextInput textInput, CancellationToken cancellationToken);
}
