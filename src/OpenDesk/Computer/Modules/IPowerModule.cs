namespace OpenDesk.Computer.Modules;

/// <summary>Power and session control (capability <c>power.lock</c>).</summary>
public interface IPowerModule : IComputerModule
{
    /// <summary><c>power.lock</c>: locks the screen.</summary>
    Task LockAsync(CancellationToken cancellationToken);
}
