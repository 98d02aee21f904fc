namespace OpenDesk.Computer;

/// <summary>
/// The computer of a machine without a desktop backend: it advertises no capabilities and answers only
/// <c>system.capabilities</c> and <c>system.environment</c> (with this machine's real values), so controllers
/// get an honest <c>capability_unsupported</c> for everything else instead of fake data.
/// </summary>
public sealed class HeadlessComputer : UnsupportedComputer
{
    /// <summary><c>local/{os}</c>, e.g. <c>local/linux</c>, as upstream local backends name themselves.</summary>
    public override string Backend { get; } = $"local/{HostEnvironment.OsName}";
}
