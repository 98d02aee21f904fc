using OpenDesk.Computer;

namespace OpenDesk.Linux.SystemServices;

/// <summary>
/// <c>notifications.list</c> on X11. Notifications reach a desktop through the freedesktop Notifications D-Bus
/// interface, which has <c>Notify</c>, <c>CloseNotification</c>, <c>GetCapabilities</c> and
/// <c>GetServerInformation</c> but no way to list what was shown; X11 itself has no notification concept at all,
/// and each notification daemon keeps its history (if any) privately. So the honest answer is an empty list,
/// and the backend does NOT advertise <c>notifications.list</c>: a caller checking the manifest learns the truth
/// instead of mistaking "no history available" for "no notifications".
/// </summary>
internal sealed class DesktopNotifications
{
    /// <summary>Always empty; see the type's remarks for why.</summary>
    public IReadOnlyList<Notification> ListNotifications() => [];

    public Task<IReadOnlyList<Notification>> ListNotificationsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(ListNotifications());
}
