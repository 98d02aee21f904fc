using System.Globalization;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Tests.Linux.Accessibility;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>serve --virtual-display</c> is a desktop where accessibility works out of the box: a GTK app started on it
/// registers with the accessibility bus serve started, and a controller reads its widgets with <c>ui.tree</c>.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class VirtualDisplayAccessibilityTests
{
    [AtSpiFact]
    public async Task An_app_started_on_the_virtual_display_shows_its_widgets_in_ui_tree()
    {
        using var scope = new EndToEndScope();
        var desk = scope.Home("desk");
        var laptop = scope.Home("laptop");
        var port = LocalPorts.Free();
        await scope.PairAsync(desk, laptop, port, "desk");

        // No DISPLAY and no session bus from whatever runs the tests: serve must bring both itself.
        var serve = scope.Start(
            new Dictionary<string, string> { ["DISPLAY"] = "", ["DBUS_SESSION_BUS_ADDRESS"] = "", ["AT_SPI_BUS_ADDRESS"] = "" },
            "serve", "--home", desk, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--no-mdns", "--virtual-display", "1280x800");
        await serve.WaitForOutputAsync("listening on", 120);
        Assert.Contains("accessibility bus", serve.Output, StringComparison.Ordinal);

        await using var computer = await RemoteComputer.ConnectAsync("desk", new RemoteComputerOptions { Home = laptop });
        Assert.True(computer.Manifest.Supports(OpenDesk.Protocol.Capabilities.UiTree), "serve on its virtual display does not advertise ui.tree");
        var started = await computer.ShellAsync($"{AtSpiDesktopFixture.WidgetFactory} >/dev/null 2>&1 &", timeout: 10);
        Assert.Equal(0, started.Returncode);

        UIElement? checkButton = null;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (checkButton is null && DateTime.UtcNow < deadline)
        {
            try
            {
                var tree = await computer.UITreeAsync(app: AtSpiDesktopFixture.WidgetFactory, maxDepth: 32);
                checkButton = Flatten(tree).FirstOrDefault(e => e is { Role: "check_box", Name: "checkbutton" });
            }
            catch (NotFoundException)
            {
                // Not registered yet.
            }
            catch (ProtocolException ex) when (ex.Code == ErrorCodes.NotFound)
            {
                // Not registered yet.
            }

            if (checkButton is null)
            {
                await Task.Delay(250);
            }
        }

        Assert.NotNull(checkButton);
        Assert.NotNull(checkButton.Bounds);
        Assert.InRange(checkButton.Bounds.X, 0, 1280);
        Assert.InRange(checkButton.Bounds.Y, 0, 800);
    }

    private static IEnumerable<UIElement> Flatten(UIElement root) => [root, .. root.Children.SelectMany(Flatten)];
}
