namespace OpenDesk.Computer.Modules;

/// <summary>Applications by name (capability <c>app.lifecycle</c>): the <c>apps.*</c> methods.</summary>
public interface IAppsModule : IComputerModule
{
    /// <summary><c>apps.open</c>: launches an application.</summary>
    Task OpenAppAsync(string name, CancellationToken cancellationToken);

    /// <summary><c>apps.close</c>: quits an application.</summary>
    Task CloseAppAsync(string name, CancellationToken cancellationToken);

    /// <summary><c>apps.focus</c>: brings an application to the front.</summary>
    Task FocusAppAsync(string name, CancellationToken cancellationToken);

    /// <summary><c>apps.list</c>: the names <see cref="OpenAppAsync"/> accepts.</summary>
    Task<IReadOnlyList<string>> ListAppsAsync(CancellationToken cancellationToken);
}
