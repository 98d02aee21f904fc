namespace OpenDesk.Linux.SystemServices;

/// <summary>A command that locks the screen, and how to recognise that it can work here.</summary>
/// <param name="Argv">The command line to run.</param>
/// <param name="Requirement">What must hold besides the program being installed, for the "not available" message.</param>
internal sealed record ScreenLocker(IReadOnlyList<string> Argv, string Requirement)
{
    public override string ToString() => string.Join(' ', Argv);
}
