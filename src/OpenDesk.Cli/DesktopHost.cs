using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Linux;

namespace OpenDesk.Cli;

/// <summary>
/// The desktop a serve or pair process exposes: the X11 desktop of <c>$DISPLAY</c>, a virtual one started for
/// a headless machine, or — with neither — the honest headless computer that supports nothing.
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
    public static async Task<DesktopHost> StartAsync(string? virtualDisplaySize, ILogger logger, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new DesktopHost(ModularComputer.Headless(), null);
        }

        VirtualDisplay? virtualDisplay = null;
        if (!VirtualDisplay.HasUsableDisplay())
        {
            if (virtualDisplaySize is null)
            {
                logger.LogWarning("no usable X display (DISPLAY={Display}): serving without desktop control; use --virtual-display on a headless machine",
                    Environment.GetEnvironmentVariable("DISPLAY") ?? "");
                return new DesktopHost(ModularComputer.Headless(), null);
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
            logger.LogWarning("cannot use the X display: {Reason}; serving without desktop control", ex.Message);
            return new DesktopHost(ModularComputer.Headless(), virtualDisplay);
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
