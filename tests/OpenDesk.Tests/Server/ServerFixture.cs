using OpenDesk.Client;
using OpenDesk.Server;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Server;

/// <summary>
/// A real server on 127.0.0.1 with an OS-chosen port and its own home, plus controller homes that trust it
/// (scenarios.md §0). Each controller is trusted by the server under its name with the legacy empty role.
/// </summary>
internal sealed class ServerFixture : IAsyncDisposable
{
    private readonly List<string> _directories = [];

    private ServerFixture(OpenDeskServer server, OpenDeskHome home, FakeComputer computer)
    {
        Server = server;
        Home = home;
        Computer = computer;
        _directories.Add(home.Path);
    }

    public OpenDeskServer Server { get; }

    public OpenDeskHome Home { get; }

    public FakeComputer Computer { get; }

    public string Url => $"ws://127.0.0.1:{Server.Port}#{Server.Identity.PublicKeyHex}";

    public static async Task<ServerFixture> StartAsync(TimeSpan? liveness = null, OpenDesk.Server.Policy.IApprovalPolicy? policy = null)
    {
        var home = new OpenDeskHome(TempDirectory("server"));
        var computer = new FakeComputer();
        var server = await OpenDeskServer.StartAsync(new ServerOptions
        {
            Home = home,
            Computer = computer,
            Host = "127.0.0.1",
            Port = 0,
            LivenessTimeout = liveness ?? ServerOptions.DefaultLivenessTimeout,
            Policy = policy ?? new OpenDesk.Server.Policy.AllowAllPolicy(),
        });
        return new ServerFixture(server, home, computer);
    }

    /// <summary>Creates a controller home whose key the server trusts as <paramref name="name"/>.</summary>
    public string AddController(string name, string role = PeerRole.Legacy)
    {
        var home = new OpenDeskHome(TempDirectory(name));
        _directories.Add(home.Path);
        var identity = Identity.LoadOrCreate(home);
        new TrustStore(Home).Add(identity.PublicKey, name, role);
        new TrustStore(home).Add(Server.Identity.PublicKey, "host", PeerRole.Remote);
        return home.Path;
    }

    public Task<RemoteComputer> ConnectAsync(string controllerHome, bool autoReconnect = false, double budgetSeconds = 5) =>
        RemoteComputer.ConnectAsync(Url, new RemoteComputerOptions
        {
            Home = controllerHome,
            AutoReconnect = autoReconnect,
            ReconnectBudget = TimeSpan.FromSeconds(budgetSeconds),
        });

    public IReadOnlyList<SessionInfo> Sessions => Server.Sessions;

    /// <summary>Polls until <paramref name="condition"/> holds, failing after a deadline (scenarios.md "settling").</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, double seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Stops the server but keeps the homes, for clients that outlive it.</summary>
    public ValueTask StopServerAsync() => Server.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        foreach (var directory in _directories)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    internal static string TempDirectory(string label)
    {
        // Short paths: a Unix socket path must fit in 108 bytes.
        var path = Path.Combine(Path.GetTempPath(), $"od-{label}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }
}
