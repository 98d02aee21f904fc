using Microsoft.Extensions.Logging;
using OpenDesk.Computer;
using OpenDesk.Linux;

namespace OpenDesk.Cli.Mcp;

/// <summary>
/// This machine's own desktop for the MCP server's <c>local</c> target, opened on first use the way serve opens
/// it; the one place the MCP command touches the local backend. Disposing it closes what was opened.
/// </summary>
internal sealed class LocalDesktop(ILogger logger) : IAsyncDisposable
{
    private DesktopHost? _host;

    /// <exception cref="OpenDeskException">This machine has no desktop to control; the message says why.</exception>
    public async Task<IComputer> OpenAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new OpenDeskException($"opendesk drives the desktop of Linux (X11) machines, and this one runs {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        }

        if (!VirtualDisplay.HasUsableDisplay())
        {
            var display = Environment.GetEnvironmentVariable("DISPLAY");
            throw new OpenDeskException(string.IsNullOrEmpty(display)
                ? "no X display (DISPLAY is not set in the environment opendesk mcp runs in)"
                : $"the X display '{display}' cannot be opened");
        }

        DesktopHost host;
        try
        {
            host = await DesktopHost.StartAsync(virtualDisplaySize: null, noDesktop: false, logger, cancellationToken);
        }
        catch (CliException ex)
        {
            // serve's wording for a display that answered the probe but not the backend; the MCP tools report OpenDeskException.
            throw new OpenDeskException(ex.Message, ex);
        }

        if (!host.Computer.Manifest.Supports(OpenDesk.Protocol.Capabilities.DisplayCapture))
        {
            await host.DisposeAsync();
            throw new OpenDeskException($"the X display '{Environment.GetEnvironmentVariable("DISPLAY")}' could not be used (the log says why)");
        }

        _host = host;
        return host.Computer;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
