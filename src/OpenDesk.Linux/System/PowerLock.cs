using System.Text;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.Processes;
using OpenDesk.Protocol;

namespace OpenDesk.Linux.SystemServices;

/// <summary>
/// <c>power.lock</c>. X11 has no lock API of its own: locking is done by whatever locker the session runs, so
/// the first usable one is chosen at construction, in this order: <c>loginctl lock-session</c> (only inside a
/// logind session, i.e. with <c>XDG_SESSION_ID</c>; logind asks the session's locker), <c>xdg-screensaver lock</c>,
/// <c>xscreensaver-command -lock</c> and <c>light-locker-command -l</c> and <c>gnome-screensaver-command -l</c>
/// (each only while its daemon runs, since the command merely messages it), <c>dm-tool lock</c> (only under
/// LightDM, i.e. with <c>XDG_SEAT_PATH</c>). <see cref="CanLock"/> decides whether power.lock is advertised.
/// </summary>
internal sealed class PowerLock : IPowerModule
{
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    private readonly ProcessRunner _runner;

    public PowerLock(ProcessRunner? runner = null)
        : this(Probe(Environment.GetEnvironmentVariable, name => ProgramPath.TryResolveOnPath(name) is not null, IsDaemonRunning), runner)
    {
    }

    /// <param name="locker">The locker to use, or null when none is available.</param>
    /// <param name="runner">Runs the locker; null means a default <see cref="ProcessRunner"/>.</param>
    public PowerLock(ScreenLocker? locker, ProcessRunner? runner = null)
    {
        Locker = locker;
        _runner = runner ?? new ProcessRunner();
    }

    /// <summary>The chosen locker, or null when this session has none.</summary>
    public ScreenLocker? Locker { get; }

    public bool CanLock => Locker is not null;

    public IReadOnlyCollection<string> Capabilities => CanLock ? [OpenDesk.Protocol.Capabilities.PowerLock] : [];

    /// <summary>
    /// Locks the screen. <c>capability_unsupported</c> without a locker; <c>internal</c> with the locker's
    /// stderr when it fails.
    /// </summary>
    public async Task LockAsync(CancellationToken cancellationToken = default)
    {
        if (Locker is null)
        {
            throw ErrorMapping.Unsupported(OpenDesk.Protocol.Capabilities.PowerLock,
                "local/linux (no screen locker: run inside a logind session, or install and start xscreensaver or light-locker, or install xdg-utils)");
        }

        var result = await _runner.ExecAsync(Locker.Argv, LockTimeout.TotalSeconds, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Returncode != 0)
        {
            var stderr = Encoding.UTF8.GetString(result.Stderr).Trim();
            throw new OpenDeskException(
                $"'{Locker}' failed with status {result.Returncode}" + (stderr.Length > 0 ? $": {stderr}" : " and printed nothing"));
        }
    }

    /// <summary>The first locker whose program is installed and whose <see cref="ScreenLocker.Requirement"/> holds.</summary>
    public static ScreenLocker? Probe(Func<string, string?> environment, Func<string, bool> isInstalled, Func<string, bool> isDaemonRunning)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(isInstalled);
        ArgumentNullException.ThrowIfNull(isDaemonRunning);

        if (environment("XDG_SESSION_ID") is { Length: > 0 } session && isInstalled("loginctl"))
        {
            return new ScreenLocker(["loginctl", "lock-session", session], "a logind session (XDG_SESSION_ID)");
        }

        if (isInstalled("xdg-screensaver"))
        {
            return new ScreenLocker(["xdg-screensaver", "lock"], "xdg-utils");
        }

        if (isInstalled("xscreensaver-command") && isDaemonRunning("xscreensaver"))
        {
            return new ScreenLocker(["xscreensaver-command", "-lock"], "a running xscreensaver");
        }

        if (isInstalled("dm-tool") && environment("XDG_SEAT_PATH") is { Length: > 0 })
        {
            return new ScreenLocker(["dm-tool", "lock"], "a LightDM seat (XDG_SEAT_PATH)");
        }

        if (isInstalled("light-locker-command") && isDaemonRunning("light-locker"))
        {
            return new ScreenLocker(["light-locker-command", "-l"], "a running light-locker");
        }

        if (isInstalled("gnome-screensaver-command") && isDaemonRunning("gnome-screensaver"))
        {
            return new ScreenLocker(["gnome-screensaver-command", "-l"], "a running gnome-screensaver");
        }

        return null;
    }

    private static bool IsDaemonRunning(string name) =>
        ProcessTable.List().Any(p => p.Name == name);
}
