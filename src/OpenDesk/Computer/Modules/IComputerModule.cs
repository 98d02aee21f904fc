using System.Collections.ObjectModel;

namespace OpenDesk.Computer.Modules;

/// <summary>
/// One capability area of a backend — the screen, input, windows, clipboard, files, processes, apps,
/// accessibility, power or notifications — that a <see cref="ModularComputer"/> is composed of. A module
/// implements one (or several) of the area interfaces (<see cref="IScreenModule"/>, <see cref="IInputModule"/>, …)
/// and lists in <see cref="Capabilities"/> which of those areas' capabilities it actually provides.
/// </summary>
/// <remarks>
/// <para>
/// The computer's manifest is derived from its modules, and a method whose capability no module provides answers
/// <c>capability_unsupported</c> without reaching any module, so a module only has to implement what it lists.
/// </para>
/// <para>
/// Modules report failures with BCL or opendesk exceptions, never wire errors: <see cref="ArgumentException"/>
/// for bad input (<c>invalid_argument</c>), <see cref="NotFoundException"/>, <see cref="FileNotFoundException"/> or
/// <see cref="DirectoryNotFoundException"/> for something that does not exist (<c>not_found</c>),
/// <see cref="TimeoutException"/> (<c>timeout</c>), and <see cref="OpenDeskException"/> or
/// <see cref="IOException"/> for other expected failures (<c>internal</c>, with the exception's message). The
/// server maps them once, with <see cref="Protocol.ErrorMapping.ToErrorInfo"/>.
/// </para>
/// <para>A module that is <see cref="IDisposable"/> or <see cref="IAsyncDisposable"/> is disposed with its computer.</para>
/// </remarks>
public interface IComputerModule
{
    /// <summary>
    /// The capabilities this module provides, as spec §18 values (<see cref="Protocol.Capabilities"/>), each in
    /// one of the areas the module implements. Read once, when the computer is composed.
    /// </summary>
    IReadOnlyCollection<string> Capabilities { get; }

    /// <summary>
    /// Manifest limits of this module's capabilities, e.g. <c>{"display.stream": {"max_fps": 30}}</c>; values are
    /// msgpack tree values (long, double, string, bool, lists, maps). Read once, when the computer is composed.
    /// Default: none.
    /// </summary>
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> Limits =>
        ReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>.Empty;
}
