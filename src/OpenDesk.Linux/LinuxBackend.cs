using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Computer.Modules;
using OpenDesk.Linux.Accessibility;
using OpenDesk.Linux.Apps;
using OpenDesk.Linux.Clipboard;
using OpenDesk.Linux.Display;
using OpenDesk.Linux.Files;
using OpenDesk.Linux.Input;
using OpenDesk.Linux.Processes;
using OpenDesk.Linux.SystemServices;
using OpenDesk.Linux.Windows;

namespace OpenDesk.Linux;

/// <summary>
/// The desktop of this Linux machine over X11, as a <see cref="ModularComputer"/> of modules: the screen (MIT-SHM
/// capture, XDamage-driven streams), XTest input, EWMH windows, a real clipboard selection owner, files,
/// processes, desktop apps, the session's screen locker and AT-SPI accessibility. Modules open concurrently; one
/// that cannot open (a missing X extension or tool, no accessibility bus) is logged and left out, and so are its
/// capabilities, whose methods then answer <c>capability_unsupported</c>.
/// </summary>
public sealed class LinuxBackend : IAsyncDisposable, IDisposable
{
    /// <summary>The manifest's backend string.</summary>
    public const string BackendName = "local/linux";

    private LinuxBackend(ModularComputer computer, string displayName)
    {
        Computer = computer;
        DisplayName = displayName;
    }

    /// <summary>The composed computer, to serve or drive directly.</summary>
    public ModularComputer Computer { get; }

    /// <summary>The X display served, e.g. <c>:0</c>.</summary>
    public string DisplayName { get; }

    /// <summary>
    /// Raised once per process, with the display name, when the connection to the X server is lost (the server
    /// ended or was killed). The backend cannot recover: from then on its X requests fail without effect, so the
    /// host stops serving and reports it. Raised on the thread of the failed X request: handlers return quickly and
    /// do their work elsewhere.
    /// </summary>
    public static event Action<string>? DisplayConnectionLost
    {
        add => X11.XErrorTrap.ConnectionLost += value;
        remove => X11.XErrorTrap.ConnectionLost -= value;
    }

    /// <summary>
    /// Connects to the X server of <paramref name="options"/> (default <c>$DISPLAY</c>) and opens every module it
    /// and this machine support.
    /// </summary>
    /// <exception cref="OpenDeskException">There is no usable X display at all.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing stays open.</exception>
    public static async Task<LinuxBackend> OpenAsync(LinuxBackendOptions? options, ILogger logger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(logger);
        options ??= new LinuxBackendOptions();
        var requested = options.DisplayName;
        var displayName = requested ?? Environment.GetEnvironmentVariable("DISPLAY") ?? "";

        // Without the screen there is no X desktop to speak of, so its failure is the backend's.
        var screen = await Task.Run(() => new X11Screen(requested), cancellationToken).ConfigureAwait(false);
        var input = Task.Run(() => Probe(logger, "XTest input", () => X11Input.Open(requested)), CancellationToken.None);
        var windows = Task.Run(() => Probe(logger, "EWMH windows", () => EwmhWindows.Open(requested)), CancellationToken.None);
        var clipboard = Task.Run(() => Probe(logger, "clipboard", () => X11Clipboard.Open(requested)), CancellationToken.None);
        var processes = new ProcessRunner();
        var power = Task.Run(() => new PowerLock(processes), CancellationToken.None);
        var accessibility = Task.Run(
            async () => await AtSpiAccessibility.TryOpenAsync(requested, await windows.ConfigureAwait(false), logger, cancellationToken: cancellationToken).ConfigureAwait(false),
            CancellationToken.None);

        var opening = new Task[] { input, windows, clipboard, power, accessibility };
        try
        {
            await Task.WhenAll(opening).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        catch
        {
            // WhenAll has let every attempt finish, so whatever did open can be closed now.
            DisposeIfOpened(accessibility);
            DisposeIfOpened(clipboard);
            DisposeIfOpened(windows);
            DisposeIfOpened(input);
            screen.Dispose();
            throw;
        }

        // A virtual display is set in this process's managed environment only; apps must be told explicitly.
        var launchEnvironment = displayName.Length > 0 ? new Dictionary<string, string> { ["DISPLAY"] = displayName } : null;
        var apps = new DesktopApps(windows.Result is { } w ? new EwmhAppWindowFocus(w) : null, null, launchEnvironment);
        var modules = new List<IComputerModule?>
        {
            screen, input.Result, windows.Result, clipboard.Result, new FileSystem(), processes, apps,
            power.Result.CanLock ? power.Result : null, accessibility.Result,
        };
        var computer = new ModularComputer(BackendName, modules.OfType<IComputerModule>());
        logger.LogInformation("X11 desktop on {Display}: {Capabilities}", displayName, string.Join(", ", computer.Manifest.Capabilities));
        return new LinuxBackend(computer, displayName);
    }

    public ValueTask DisposeAsync() => Computer.DisposeAsync();

    public void Dispose() => Computer.Dispose();

    private static T? Probe<T>(ILogger logger, string what, Func<T> open) where T : class
    {
        try
        {
            return open();
        }
        catch (OpenDeskException ex)
        {
            logger.LogWarning("{What} unavailable on this X server: {Reason}", what, ex.Message);
            return null;
        }
    }

    private static void DisposeIfOpened<T>(Task<T?> opening) where T : class, IDisposable
    {
        if (opening.IsCompletedSuccessfully)
        {
            opening.Result?.Dispose();
        }
    }
}
