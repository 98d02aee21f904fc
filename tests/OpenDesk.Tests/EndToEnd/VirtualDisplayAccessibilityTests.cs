using System.Globalization;
using System.Text;
using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Tests.Linux.Accessibility;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// <c>serve --virtual-display</c> is a desktop where accessibility works out of the box: GTK and Qt apps started on
/// it register with the accessibility bus serve started, and a controller reads and drives their widgets.
/// </summary>
[Collection(nameof(EndToEndCollection))]
public sealed class VirtualDisplayAccessibilityTests
{
    private const string QtApp = "qt5ct";
    private const string QtTitle = "Qt5 Configuration Tool";
    private static readonly TimeSpan RegistrationDeadline = TimeSpan.FromSeconds(60);

    [AtSpiFact]
    public async Task A_gtk_app_started_on_the_virtual_display_shows_its_widgets_in_ui_tree()
    {
        await using var desk = await VirtualDesk.StartAsync();

        Assert.True(desk.Computer.Manifest.Supports(OpenDesk.Protocol.Capabilities.UiTree), "serve on its virtual display does not advertise ui.tree");
        await desk.StartAppAsync(AtSpiDesktopFixture.WidgetFactory);

        var checkButton = await desk.WaitForElementAsync(AtSpiDesktopFixture.WidgetFactory, e => e is { Role: "check_box", Name: "checkbutton" });

        Assert.NotNull(checkButton.Bounds);
        Assert.InRange(checkButton.Bounds.X, 0, 1280);
        Assert.InRange(checkButton.Bounds.Y, 0, 800);
    }

    [AtSpiFact]
    public async Task A_qt_app_started_on_the_virtual_display_is_read_and_driven_through_ui()
    {
        await using var desk = await VirtualDesk.StartAsync();
        var pid = await desk.StartAppAsync(QtApp);

        var cancel = await desk.WaitForElementAsync(QtApp, e => e is { Role: "button", Name: "Cancel" });

        // The button lies inside the app's X window as xdotool, not AT-SPI, reports it.
        var geometry = await desk.Computer.ShellAsync($"xdotool search --onlyvisible --name '^{QtTitle}$' getwindowgeometry --shell", timeout: 10);
        var shell = Encoding.UTF8.GetString(geometry.Stdout);
        var window = shell.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('='))
            .Where(p => p.Length == 2).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(window.ContainsKey("X"), $"xdotool found no window titled {QtTitle}: {shell}{Encoding.UTF8.GetString(geometry.Stderr)}");
        Assert.NotNull(cancel.Bounds);
        Assert.InRange(cancel.Bounds.X, window["X"], window["X"] + window["WIDTH"] - cancel.Bounds.Width);
        Assert.InRange(cancel.Bounds.Y, window["Y"], window["Y"] + window["HEIGHT"] - cancel.Bounds.Height);

        // Pressing Cancel through AT-SPI closes the app: its process ends.
        await desk.Computer.UIActionAsync(cancel, "click", QtApp);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"{QtApp} is still running after ui.action clicked its Cancel button");
    }

    /// <summary>A paired controller connected to a real <c>serve --virtual-display</c> that brought its own buses.</summary>
    private sealed class VirtualDesk : IAsyncDisposable
    {
        private readonly EndToEndScope _scope;

        private VirtualDesk(EndToEndScope scope, RemoteComputer computer)
        {
            _scope = scope;
            Computer = computer;
        }

        public RemoteComputer Computer { get; }

        public static async Task<VirtualDesk> StartAsync()
        {
            var scope = new EndToEndScope();
            try
            {
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

                return new VirtualDesk(scope, await RemoteComputer.ConnectAsync("desk", new RemoteComputerOptions { Home = laptop }));
            }
            catch
            {
                scope.Dispose();
                throw;
            }
        }

        /// <summary>Starts a program on the desk, as a controller would, and returns its process id.</summary>
        public async Task<int> StartAppAsync(string program)
        {
            var started = await Computer.ShellAsync($"{program} >/dev/null 2>&1 & echo $!", timeout: 10);
            Assert.Equal(0, started.Returncode);
            return int.Parse(Encoding.UTF8.GetString(started.Stdout).Trim(), CultureInfo.InvariantCulture);
        }

        /// <summary>Reads the app's tree until an element matches; apps register with the bus a moment after they start.</summary>
        public async Task<UIElement> WaitForElementAsync(string app, Func<UIElement, bool> match)
        {
            var deadline = DateTime.UtcNow + RegistrationDeadline;
            while (true)
            {
                try
                {
                    var tree = await Computer.UITreeAsync(app: app, maxDepth: 32);
                    if (Flatten(tree).FirstOrDefault(match) is { } found)
                    {
                        return found;
                    }
                }
                catch (ProtocolException ex) when (ex.Code == ErrorCodes.NotFound)
                {
                    // Not registered yet.
                }

                Assert.True(DateTime.UtcNow < deadline, $"{app} did not show the expected element in ui.tree within {RegistrationDeadline.TotalSeconds} s");
                await Task.Delay(250);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Computer.DisposeAsync();
            _scope.Dispose();
        }

        private static IEnumerable<UIElement> Flatten(UIElement root) => [root, .. root.Children.SelectMany(Flatten)];
    }
}
