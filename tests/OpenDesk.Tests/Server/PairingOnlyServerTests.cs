using Microsoft.Extensions.Logging;
using OpenDesk.Client;
using OpenDesk.Server;
using OpenDesk.Tests.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Server;

/// <summary>A pairing-only server (standalone <c>opendesk pair</c>, spec §6.7) pairs and authenticates nobody.</summary>
public sealed class PairingOnlyServerTests
{
    [Fact]
    public async Task An_auth_hello_is_refused_as_spec_6_7_words_it_and_pairing_goes_on()
    {
        var home = new OpenDeskHome(ServerFixture.TempDirectory("paironly"));
        var controller = new OpenDeskHome(ServerFixture.TempDirectory("ctl"));
        var log = new ListLogger();
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(new SingleLoggerProvider(log)));
        var server = await OpenDeskServer.StartAsync(new ServerOptions
        {
            Home = home,
            Computer = new FakeComputer(),
            Host = "127.0.0.1",
            Port = 0,
            PairingOnly = true,
            EnableAdmin = false,
            LoggerFactory = loggers,
        });
        new TrustStore(home).Add(Identity.LoadOrCreate(controller).PublicKey, "laptop", PeerRole.Controller);
        var notices = new List<string>();
        var pairing = server.PairAsync(new PairingRequest("141421", TimeSpan.FromSeconds(30)) { OnNotice = n => { lock (notices) { notices.Add(n); } } });

        var url = $"ws://127.0.0.1:{server.Port}#{server.Identity.PublicKeyHex}";
        var refused = await Assert.ThrowsAsync<HandshakeException>(() => RemoteComputer.ConnectAsync(url, new RemoteComputerOptions { Home = controller.Path, AutoReconnect = false }));
        Assert.Equal(
            $"protocol: 127.0.0.1:{server.Port} closed the connection before answering this controller's login. Most likely that machine is " +
            "showing a pairing code with a standalone `opendesk pair`, which admits nobody else until its window closes (at most 5 minutes): " +
            "connect again after that. Otherwise it is refusing new connections for now, or it is not an opendesk server.",
            refused.Message);
        await ServerFixture.EventuallyAsync(
            () => log.Entries.Any(e => e.Message.EndsWith("failed: protocol: expected pair_hello, got 'auth_hello'", StringComparison.Ordinal)),
            "the refusal in the log");
        lock (notices)
        {
            Assert.Contains("a controller from 127.0.0.1 tried to connect as already paired; this window only pairs (`opendesk serve` serves paired controllers).", notices);
        }

        var newcomer = ServerFixture.TempDirectory("new");
        await using (await RemoteComputer.PairWithAsync("127.0.0.1", "141421", server.Port, "desk", new RemoteComputerOptions { Home = newcomer }))
        {
            var outcome = await pairing.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Null(outcome.ActiveController);
        }

        await server.DisposeAsync();
        foreach (var directory in new[] { newcomer, controller.Path, home.Path })
        {
            Directory.Delete(directory, true);
        }
    }

    private sealed class SingleLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
