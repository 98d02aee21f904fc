using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Linux;

namespace OpenDesk.Cli;

/// <summary>
/// The desktop a serve process exposes: the X11 desktop of <c>$DISPLAY</c>, or a virtual one started for a
/// headless machine. Without either it refuses to start, unless asked to serve no desktop at all (the honest
/// headless computer that supports nothing).
/// </summary>
internal sealed class DesktopHost : IAsyncDisposable
{
    private readonly VirtualDisplay? _virtualDisplay;
    private readonly LinuxBackend? _backend;

    private DesktopHost(IComputer computer, VirtualDisplay? virtualDisplay, LinuxBackend? backend = null)
    {
        Computer = computer;
        _virtualDisplay = virtualDisplay;
        _backend = backend;
    }

    public IComputer Computer { get; }

    /// <param name="virtualDisplaySize">Start an Xvfb desktop of this size when no usable display exists; null not to.</param>
    /// <param name="noDesktop">Serve the headless computer instead of a desktop.</param>
    /// <exception cref="CliException">There is no desktop to serve and <paramref name="noDesktop"/> is false.</exception>
    public static async Task<DesktopHost> StartAsync(string? virtualDisplaySize, bool noDesktop, ILogger logger, CancellationToken cancellationToken)
    {
        if (noDesktop)
        {
            logger.LogWarning("serving without a desktop (--no-desktop): every desktop call is answered capability_unsupported");
            return new DesktopHost(ModularComputer.Headless(), null);
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new CliException($"serve has no desktop backend for {System.Runtime.InteropServices.RuntimeInformation.OSDescription} yet (only Linux with X11); --no-desktop serves pairing and connections without one");
        }

        VirtualDisplay? virtualDisplay = null;
        if (!VirtualDisplay.HasUsableDisplay())
        {
            if (virtualDisplaySize is null)
            {
                var display = Environment.GetEnvironmentVariable("DISPLAY");
                throw new CliException(
                    $"no desktop to serve: {(string.IsNullOrEmpty(display) ? "DISPLAY is not set" : $"the X display {display} cannot be opened")}.  " +
                    "On a machine without a display run `opendesk serve --virtual-display` (starts an Xvfb desktop; needs the xvfb and openbox packages); " +
                    "otherwise run serve inside your desktop session.");
            }

            virtualDisplay = await VirtualDisplay.StartAsync(virtualDisplaySize, windowManager: true, cancellationToken);
            logger.LogInformation("started a virtual display {Display} ({Width}x{Height}) with openbox{Accessibility}", virtualDisplay.Name, virtualDisplay.Width, virtualDisplay.Height,
                virtualDisplay.HasAccessibilityBus ? " and an accessibility bus" : "; no accessibility bus (install dbus and at-spi2-core for ui.tree)");
        }
        else if (virtualDisplaySize is not null)
        {
            logger.LogInformation("using the existing display {Display}; --virtual-display is only for machines without one", Environment.GetEnvironmentVariable("DISPLAY"));
        }

        try
        {
            var backend = await LinuxBackend.OpenAsync(new LinuxBackendOptions(), logger, cancellationToken);
            return new DesktopHost(backend.Computer, virtualDisplay, backend);
        }
        catch (OperationCanceledException) when (virtualDisplay is not null)
        {
            await virtualDisplay.DisposeAsync();
            throw;
        }
        catch (OpenDeskException ex)
        {
            if (virtualDisplay is not null)
            {
                await virtualDisplay.DisposeAsync();
            }

            throw new CliException($"cannot use the X display {Environment.GetEnvironmentVariable("DISPLAY")}: {ex.Message}", inner: ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_backend is not null && OperatingSystem.IsLinux())
        {
            await _backend.DisposeAsync();
        }

        if (_virtualDisplay is not null && OperatingSystem.IsLinux())
        {
            await _virtualDisplay.DisposeAsync();
        }
    }
}
