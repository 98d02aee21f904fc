namespace OpenDesk.Computer;

/// <summary>
/// The computer of a machine without a desktop backend: it reports the environment and supports nothing
/// else, so controllers get an honest <c>capability_unsupported</c> instead of fake data.
/// </summary>
public sealed class HeadlessComputer : UnsupportedComputer
{
    public override string Backend => $"local/{OsName()}";
}
