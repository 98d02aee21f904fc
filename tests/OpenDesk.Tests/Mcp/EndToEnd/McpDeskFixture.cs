using System.Globalization;
using OpenDesk.Tests.EndToEnd;
using OpenDesk.Tests.Linux;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Mcp.EndToEnd;

/// <summary>
/// A desk for the MCP tests: its own Xvfb (1920x1080, openbox), a real <c>opendesk serve</c> on it, and a laptop
/// home paired with it through the real pair / pair-with commands. More controllers are trusted by writing both
/// trust stores, which serve re-reads on every connection.
/// </summary>
public sealed class McpDeskFixture : IAsyncLifetime
{
    public const string DeskName = "desk";

    private readonly EndToEndScope _scope = new();

    public XvfbFixture X { get; private set; } = null!;

    public string DeskHome { get; private set; } = "";

    public string LaptopHome { get; private set; } = "";

    /// <summary>The laptop's name in the desk's trust store (what BUSY messages and unpair use).</summary>
    public string LaptopName { get; private set; } = "";

    public int Port { get; private set; }

    internal EndToEndScope Scope => _scope;

    /// <summary>The MCP process sees no display: every desk it drives is reached through serve.</summary>
    public static IReadOnlyDictionary<string, string> Headless { get; } = new Dictionary<string, string> { ["DISPLAY"] = "" };

    public async Task InitializeAsync()
    {
        if (XvfbFixture.SkipReason is not null)
        {
            return;
        }

        X = XvfbFixture.Create(1920, 1080, withWindowManager: true);
        DeskHome = _scope.Home("mcp-desk");
        LaptopHome = _scope.Home("mcp-laptop");
        Port = LocalPorts.Free();
        LaptopName = await _scope.PairAsync(DeskHome, LaptopHome, Port, DeskName);
        var serve = _scope.Start(
            new Dictionary<string, string> { ["DISPLAY"] = X.DisplayName },
            "serve", "--home", DeskHome, "--host", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture), "--no-mdns");
        await serve.WaitForOutputAsync("listening on", 120);
    }

    /// <summary>A new controller home that trusts the desk (as <paramref name="deskName"/>) and that the desk trusts as <paramref name="name"/>.</summary>
    public string TrustedController(string name, string deskName = DeskName)
    {
        var home = _scope.Home($"mcp-{name}");
        var controller = Identity.LoadOrCreate(new OpenDeskHome(home));
        var desk = Identity.LoadOrCreate(new OpenDeskHome(DeskHome));
        new TrustStore(new OpenDeskHome(DeskHome)).Add(controller.PublicKey, name, PeerRole.Controller);
        var trust = new TrustStore(new OpenDeskHome(home));
        trust.Add(desk.PublicKey, deskName, PeerRole.Remote);
        trust.CacheEndpoint(desk.PublicKey, "127.0.0.1", Port);
        return home;
    }

    public Task DisposeAsync()
    {
        _scope.Dispose();
        X?.Dispose();
        return Task.CompletedTask;
    }
}
