using System.Runtime.CompilerServices;
using OpenDesk.Linux.Windows;
using OpenDesk.Linux.X11;
using Tmds.DBus.Protocol;

namespace OpenDesk.Linux.Accessibility;

/// <summary>
/// Finds the accessibility bus from the same sources AT-SPI clients use, the served display's first: the
/// <c>AT_SPI_BUS</c> property that the bus launcher puts on that display's X root window (the bus its apps
/// talk to), then <c>AT_SPI_BUS_ADDRESS</c>, then <c>org.a11y.Bus.GetAddress</c> on the session bus, which also
/// starts the launcher through D-Bus activation where it is installed but not yet running. The last two
/// describe this process's own session, so they are only used when the served display is that session's
/// (<c>$DISPLAY</c>): a session bus belongs to one desktop, and another display's windows are not on it.
/// </summary>
internal static class AtSpiBusLocator
{
    public const string AddressVariable = "AT_SPI_BUS_ADDRESS";

    /// <summary>The addresses in the order to try them, each with its source for the log; later sources are only asked for when wanted.</summary>
    /// <param name="displayName">The served X display; null for <c>$DISPLAY</c>.</param>
    /// <param name="environment">Reads this process's environment variables (replaceable so tests control it).</param>
    /// <param name="cancellationToken">Stops waiting for the session bus.</param>
    public static async IAsyncEnumerable<(string Source, string Address)> CandidatesAsync(
        string? displayName, Func<string, string?> environment, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var ownDisplay = environment("DISPLAY");
        if (FromRootWindow(displayName ?? ownDisplay) is { } fromDisplay)
        {
            yield return ("the X root window's AT_SPI_BUS", fromDisplay);
        }

        if (displayName is not null && displayName != ownDisplay)
        {
            yield break;
        }

        if (environment(AddressVariable) is { Length: > 0 } fromEnvironment)
        {
            yield return (AddressVariable, fromEnvironment);
        }

        if (await FromSessionBusAsync(environment, cancellationToken).ConfigureAwait(false) is { } fromSession)
        {
            yield return ("org.a11y.Bus on the session bus", fromSession);
        }
    }

    private static string? FromRootWindow(string? displayName)
    {
        if (string.IsNullOrEmpty(displayName))
        {
            return null;
        }

        try
        {
            using var x = XDisplayConnection.Open(displayName);
            return x.Run(display =>
            {
                // Only if it exists: asking must not create the atom on a display that has no accessibility bus.
                var property = Xlib.XInternAtom(display, "AT_SPI_BUS", Xlib.True);
                if (property == Xlib.None)
                {
                    return null;
                }

                var utf8 = Xlib.XInternAtom(display, "UTF8_STRING", Xlib.False);
                var text = WindowProperties.Text(display, x.Root, property, utf8);
                XErrorTrap.Clear(display);
                return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            });
        }
        catch (OpenDeskException)
        {
            return null;
        }
    }

    private static async Task<string?> FromSessionBusAsync(Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (SessionBusAddress(environment) is not { } sessionAddress)
        {
            return null;
        }

        using var session = new DBusConnection(sessionAddress);
        try
        {
            await session.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            var writer = session.GetMessageWriter();
            MessageBuffer call;
            try
            {
                writer.WriteMethodCallHeader(AtSpiNames.LauncherService, AtSpiNames.LauncherPath, AtSpiNames.LauncherInterface, "GetAddress");
                call = writer.CreateMessage();
            }
            finally
            {
                writer.Dispose();
            }

            var address = await session.CallMethodAsync(call, static (message, _) =>
                    message.SignatureAsString == "s" ? message.GetBodyReader().ReadString() : null)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(address) ? null : address;
        }
        catch (Exception e) when (e is DBusExceptionBase or IOException or System.Net.Sockets.SocketException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>DBUS_SESSION_BUS_ADDRESS</c>, else the per-user socket that systemd-based sessions put in
    /// <c>$XDG_RUNTIME_DIR/bus</c> (a service started by the user's systemd has no address variable).
    /// </summary>
    private static string? SessionBusAddress(Func<string, string?> environment)
    {
        if (environment("DBUS_SESSION_BUS_ADDRESS") is { Length: > 0 } address)
        {
            return address;
        }

        return environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && File.Exists(Path.Combine(runtime, "bus"))
            ? $"unix:path={Path.Combine(runtime, "bus")}"
            : null;
    }
}
