namespace OpenDesk.Computer.Modules;

/// <summary>Desktop notifications (capability <c>notifications.list</c>).</summary>
public interface INotificationsModule : IComputerModule
{
    /// <summary><c>notifications.list</c>.</summary>
    Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken);
}
