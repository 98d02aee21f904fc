using OpenDesk.Tests.Linux;
using OpenDesk.Tests.Linux.Display;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>Serve must not outlive its desktop silently: losing the X server ends it with a clear message.</summary>
[Collection(nameof(EndToEndCollection))]
public sealed class XServerLossTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), $"od-xloss-{Guid.NewGuid().ToString("N")[..8]}");

    [XvfbFact]
    public async Task Serve_stops_with_a_clear_message_when_the_x_server_goes_away()
    {
        var display = XvfbFixture.Create(800, 600);
        new TrustStore(new OpenDeskHome(_home)).Add(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray(), "laptop", PeerRole.Controller);
        using var serve = OpendeskCli.StartLongRunning(
            display.Env, "serve", "--home", _home, "--host", "127.0.0.1", "--port", LocalPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-mdns");
        await serve.WaitForOutputAsync("X11 desktop on " + display.DisplayName);
        await serve.WaitForOutputAsync("listening on");

        display.Dispose();

        Assert.Equal(3, await serve.WaitForExitAsync(30));
        Assert.Contains($"ERROR: lost the connection to the X server {display.DisplayName}; opendesk serve is stopping.", serve.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_home, "admin.sock")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }
}
