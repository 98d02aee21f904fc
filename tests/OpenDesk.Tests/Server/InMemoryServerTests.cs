using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Protocol;
using OpenDesk.Server;
using OpenDesk.Server.Policy;
using OpenDesk.Server.Transport;
using OpenDesk.Session;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Server;

/// <summary>The whole server — handshakes, one controller at a time, policy — behind an in-memory listener, no socket.</summary>
public sealed class InMemoryServerTests
{
    [Fact]
    public async Task A_server_on_an_in_memory_listener_pairs_by_cpace_serves_one_controller_and_refuses_a_second_as_busy()
    {
        var listener = new InMemoryListener();
        var home = new OpenDeskHome(ServerFixture.TempDirectory("mem"));
        await using var server = await OpenDeskServer.StartAsync(new ServerOptions { Home = home, Computer = new FakeComputer(), Listener = listener, EnableAdmin = false });
        Assert.Equal(0, server.Port);

        var laptop = ServerFixture.TempDirectory("mem-a");
        var tablet = ServerFixture.TempDirectory("mem-b");
        RemoteComputerOptions Options(string controllerHome) => new()
        {
            Home = controllerHome,
            AutoReconnect = false,
            Dialer = (_, ct) => listener.ConnectAsync(cancellationToken: ct),
        };

        foreach (var controller in new[] { laptop, tablet })
        {
            var window = server.PairAsync("314159", TimeSpan.FromSeconds(30));
            await using (await RemoteComputer.PairWithAsync("in-memory", "314159", name: "desk", options: Options(controller)))
            {
            }

            await window.WaitAsync(TimeSpan.FromSeconds(10));
        }

        var url = $"ws://in-memory:8423#{server.Identity.PublicKeyHex}";
        await using var first = await RemoteComputer.ConnectAsync(url, Options(laptop));
        Assert.Equal(new Point(50, 60), await first.CursorPositionAsync());
        var busy = await Assert.ThrowsAsync<BusyException>(() => RemoteComputer.ConnectAsync(url, Options(tablet)));
        Assert.Equal(new TrustStore(home).FindByKey(Identity.LoadOrCreate(new OpenDeskHome(laptop)).PublicKey)!.Name, busy.ActiveController);
        Assert.Equal(new Point(50, 60), await first.CursorPositionAsync());
    }

    [Fact]
    public async Task Observers_sit_beside_the_controller_never_take_its_slot_and_are_refused_every_action()
    {
        var registry = new SessionRegistry();
        await using var controllerPeer = Peers.Idle();
        await using var otherPeer = Peers.Idle();
        await using var observerPeer = Peers.Idle();
        var controller = new ActiveSession(Info("c", "aa"), controllerPeer.Peer);
        var observer = new ActiveSession(Info("o", "bb") with { Role = SessionRole.Observer }, observerPeer.Peer);

        Assert.True(registry.TryRegister(controller).IsRegistered);
        Assert.True(registry.TryRegister(observer).IsRegistered);
        Assert.False(registry.TryRegister(new ActiveSession(Info("d", "cc"), otherPeer.Peer)).IsRegistered);
        Assert.Equal(2, registry.Snapshot().Count);

        var dispatcher = new SessionDispatcher(new ComputerDispatcher(new FakeComputer()), new AllowAllPolicy(), null, observer.Info, new OpenDeskHome(ServerFixture.TempDirectory("obs")));
        Assert.NotNull(await dispatcher.InvokeAsync(Methods.DisplayCursorPosition, new MsgMap(), CancellationToken.None));
        var denied = await Assert.ThrowsAsync<PermissionDeniedException>(async () =>
            await dispatcher.InvokeAsync(Methods.InputPointer, new MsgMap { ["event"] = new PointerEvent(PointerAction.Move, new Point(1, 2)).ToMap() }, CancellationToken.None));
        Assert.Equal("permission_denied: peer-bbbbbb is a read-only observer: it may not send pointer move at (1.0, 2.0)", denied.Message);
    }

    private static SessionInfo Info(string id, string keyByte) =>
        new(id, "", string.Concat(Enumerable.Repeat(keyByte, 32)), "127.0.0.1:1", 0, SessionInfo.ServeMode);

    /// <summary>A peer on an in-memory transport that is never started: registry entries need one to exist.</summary>
    private sealed class Peers : IAsyncDisposable
    {
        private Peers(Peer peer) => Peer = peer;

        public Peer Peer { get; }

        public static Peers Idle()
        {
            var (a, _) = InMemoryTransport.CreatePair();
            var keys = new SessionKeys(new byte[32], new byte[32], new byte[32]);
            return new Peers(new Peer(new SecureChannel(a, keys)));
        }

        public ValueTask DisposeAsync() => Peer.DisposeAsync();
    }
}
