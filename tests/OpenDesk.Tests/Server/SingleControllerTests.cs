using OpenDesk.Client;
using OpenDesk.Computer;
using OpenDesk.Server;

namespace OpenDesk.Tests.Server;

/// <summary>scenarios.md A (single controller), C (eviction), D (disconnect/unpair) and F against a real server.</summary>
public class SingleControllerTests
{
    [Fact]
    public async Task SC1_a_different_peer_gets_busy_and_the_active_controller_is_unaffected()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var a = fixture.AddController("client0");
        var b = fixture.AddController("client1");
        await using var first = await fixture.ConnectAsync(a);
        Assert.Equal("fake", first.Manifest.Backend);

        var busy = await Assert.ThrowsAsync<BusyException>(() => fixture.ConnectAsync(b));

        Assert.Equal(ErrorCodes.Busy, busy.Code);
        Assert.Equal("server is busy: client0 is the active controller. Disconnect them to take over.", busy.Detail);
        Assert.Equal(50, (await first.CursorPositionAsync()).X);
        Assert.Single(fixture.Sessions);
    }

    [Fact]
    public async Task SC2_X1_the_same_peer_reconnecting_bumps_its_old_session_which_is_evicted()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var c = fixture.AddController("laptop");
        await using var first = await fixture.ConnectAsync(c, autoReconnect: true);
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 1, "one session");
        var firstId = fixture.Sessions[0].Id;

        await using var second = await fixture.ConnectAsync(c, autoReconnect: true);

        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 1 && fixture.Sessions[0].Id != firstId, "the new session alone");
        await ServerFixture.EventuallyAsync(() => first.IsEvicted, "the bumped client to see session.evicted");
        Assert.Equal("admin_disconnect", first.EvictionReason);
        var ex = await Assert.ThrowsAsync<SessionEvictedException>(() => first.CursorPositionAsync());
        Assert.Equal("session evicted by server: admin_disconnect", ex.Message);
        Assert.Equal(50, (await second.CursorPositionAsync()).X);
        await Task.Delay(300);
        Assert.Single(fixture.Sessions);
    }

    [Fact]
    public async Task SC3_the_slot_frees_when_the_controller_leaves()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var a = fixture.AddController("a");
        var b = fixture.AddController("b");
        var first = await fixture.ConnectAsync(a);
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 1, "one session");

        await first.DisposeAsync();

        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "an empty registry");
        await using var second = await fixture.ConnectAsync(b);
        Assert.Equal(50, (await second.CursorPositionAsync()).X);
    }

    [Fact]
    public async Task EV_a_server_kill_evicts_with_the_reason_and_suppresses_reconnect_but_not_trust()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var home = fixture.AddController("laptop");
        var client = await fixture.ConnectAsync(home, autoReconnect: true);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);
        Assert.False(client.IsEvicted);

        Assert.Equal(1, await fixture.Server.KillAllAsync("admin_disconnect"));

        await ServerFixture.EventuallyAsync(() => client.IsEvicted, "the eviction PUSH");
        Assert.Equal("admin_disconnect", client.EvictionReason);
        var ex = await Assert.ThrowsAsync<SessionEvictedException>(() => client.CursorPositionAsync());
        Assert.Equal("admin_disconnect", ex.Reason);
        await Task.Delay(500);
        Assert.Empty(fixture.Sessions);
        await client.DisposeAsync();

        await using var again = await fixture.ConnectAsync(home);
        Assert.Equal(50, (await again.CursorPositionAsync()).X);
    }

    [Fact]
    public async Task DU3_unpair_removes_trust_first_then_the_kick_closes_the_session_and_auth_fails_after()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var home = fixture.AddController("laptop");
        await using var client = await fixture.ConnectAsync(home);
        var trust = new OpenDesk.Trust.TrustStore(fixture.Home);

        Assert.True(trust.Remove("laptop"));
        var session = fixture.Sessions.Single(s => s.PeerName == "laptop");
        Assert.True(await fixture.Server.Admin.KillAsync(session.Id, "admin_disconnect", default));

        Assert.DoesNotContain(trust.List(), p => p.Name == "laptop");
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "an empty registry");
        var ex = await Assert.ThrowsAsync<HandshakeException>(() => fixture.ConnectAsync(home));
        Assert.Equal(HandshakeFailureReason.UnexpectedPeer, ex.Reason);
    }

    [Fact]
    public async Task X3_a_key_stored_as_remote_is_not_a_controller()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var home = fixture.AddController("intruder", OpenDesk.Trust.PeerRole.Remote);

        var ex = await Assert.ThrowsAsync<HandshakeException>(() => fixture.ConnectAsync(home));

        Assert.Equal("unexpected_peer: server does not hold the expected static key", ex.Message);
        Assert.Empty(fixture.Sessions);
    }

    [Fact]
    public async Task X6_an_unknown_method_maps_to_capability_unsupported_and_the_session_stays_usable()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("laptop"));

        var ex = await Assert.ThrowsAsync<CapabilityUnsupportedException>(() => client.CallAsync("foo.bar"));

        Assert.Equal("display.capture", ex.Capability);
        Assert.Equal("server (unknown method 'foo.bar')", ex.Backend);
        Assert.Equal("Capability 'display.capture' is not supported by backend server (unknown method 'foo.bar').", ex.Detail);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);
    }

    [Fact]
    public async Task Twenty_concurrent_connects_from_two_peers_never_yield_two_sessions()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var homes = new[] { fixture.AddController("a"), fixture.AddController("b") };
        var maxSeen = 0;
        using var watching = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                maxSeen = Math.Max(maxSeen, fixture.Sessions.Count);
                await Task.Delay(1);
            }
        });

        for (var round = 0; round < 3; round++)
        {
            var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
            {
                try
                {
                    return (object)await fixture.ConnectAsync(homes[i % 2]);
                }
                catch (OpenDeskException ex)
                {
                    return ex;
                }
            }));

            Assert.True(fixture.Sessions.Count <= 1);
            Assert.All(attempts.OfType<ProtocolException>(), ex => Assert.Equal(ErrorCodes.Busy, ex.Code));
            foreach (var client in attempts.OfType<RemoteComputer>())
            {
                await client.DisposeAsync();
            }

            await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "the registry to empty");
        }

        await watching.CancelAsync();
        await watcher;
        Assert.Equal(1, maxSeen);
    }

    [Fact]
    public async Task A_pairing_window_pairs_one_controller_and_still_serves_authenticated_ones()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var existing = fixture.AddController("existing");
        var newcomer = ServerFixture.TempDirectory("new");
        var pairing = fixture.Server.PairAsync("111111", TimeSpan.FromSeconds(20));

        await using (var active = await fixture.ConnectAsync(existing))
        {
            Assert.Equal(50, (await active.CursorPositionAsync()).X);
        }

        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "the registry to empty");
        var wrong = await Assert.ThrowsAsync<HandshakeException>(() =>
            RemoteComputer.PairWithAsync("127.0.0.1", "999999", fixture.Server.Port, "desk", new RemoteComputerOptions { Home = newcomer }));
        Assert.Equal(HandshakeFailureReason.WrongCode, wrong.Reason);

        await using var paired = await RemoteComputer.PairWithAsync("127.0.0.1", "111111", fixture.Server.Port, "desk", new RemoteComputerOptions { Home = newcomer });
        var outcome = await pairing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("peer-", outcome.Name, StringComparison.Ordinal);
        Assert.Equal(OpenDesk.Trust.PeerRole.Controller, new OpenDesk.Trust.TrustStore(fixture.Home).FindByName(outcome.Name)!.Role);
        Assert.Equal(OpenDesk.Trust.PeerRole.Remote, new OpenDesk.Trust.TrustStore(new OpenDesk.Trust.OpenDeskHome(newcomer)).FindByName("desk")!.Role);
        Assert.Equal(SessionInfo.PairMode, fixture.Sessions.Single().Mode);
        Assert.Equal(50, (await paired.CursorPositionAsync()).X);
        Directory.Delete(newcomer, true);
    }

    [Fact]
    public async Task Five_wrong_codes_burn_the_pairing_code()
    {
        await using var fixture = await ServerFixture.StartAsync();
        var home = ServerFixture.TempDirectory("guess");
        var pairing = fixture.Server.PairAsync("123123", TimeSpan.FromSeconds(60));

        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<HandshakeException>(() =>
                RemoteComputer.PairWithAsync("127.0.0.1", $"00000{i}", fixture.Server.Port, null, new RemoteComputerOptions { Home = home }));
        }

        var burned = await Assert.ThrowsAsync<OpenDeskException>(() => pairing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("burned", burned.Message, StringComparison.Ordinal);
        var late = await Assert.ThrowsAnyAsync<OpenDeskException>(() =>
            RemoteComputer.PairWithAsync("127.0.0.1", "123123", fixture.Server.Port, null, new RemoteComputerOptions { Home = home }));
        Assert.IsNotType<ProtocolException>(late);
        Directory.Delete(home, true);
    }
}
