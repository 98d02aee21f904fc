namespace OpenDesk.Computer.Modules;

/// <summary>
/// Processes (capabilities <c>process.list</c>, <c>process.shell</c>, <c>process.spawn</c> for
/// <c>process.exec</c>). A command that outlives its timeout fails with <see cref="TimeoutException"/>.
/// </summary>
public interface IProcessesModule : IComputerModule
{
    /// <summary><c>process.list</c>.</summary>
    Task<IReadOnlyList<ProcessInfo>> ListProcessesAsync(CancellationToken cancellationToken);

    /// <summary><c>process.shell</c>: the parameters are those of <see cref="IComputer.ShellAsync"/>.</summary>
    Task<CompletedCommand> ShellAsync(string command, double? timeout, string? cwd, IReadOnlyDictionary<string, string>? env, CancellationToken cancellationToken);

    /// <summary><c>process.exec</c> (<c>process.spawn</c>): the parameters are those of <see cref="IComputer.ExecAsync"/>.</summary>
    Task<CompletedCommand> ExecAsync(IReadOnlyList<string> argv, double? timeout, string? cwd, IReadOnlyDictionary<string, string>? env, byte[]? stdin, CancellationToken cancellationToken);
}
