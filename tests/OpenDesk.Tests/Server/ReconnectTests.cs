using OpenDesk.Computer;

namespace OpenDesk.Tests.Server;

/// <summary>scenarios.md B: the auto-reconnecting client against network drops and a server that is gone.</summary>
public class ReconnectTests
{
    [Fact]
    public async Task RC1_RC2_observations_survive_a_network_drop_transparently()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("controller"), autoReconnect: true);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);
        Assert.True((await client.CaptureAsync()).Data.AsSpan().StartsWith(FakeComputer.FakePng.AsSpan(0, 8)));

        await fixture.Server.DropAsync(fixture.Sessions.Single().Id);
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "the drop");

        Assert.Equal(50, (await client.CursorPositionAsync()).X);
        Assert.Single(fixture.Sessions);

        await fixture.Server.DropAsync(fixture.Sessions.Single().Id);
        var capture = await client.CaptureAsync();
        Assert.True(capture.Data.AsSpan().StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', (byte)'f', (byte)'a', (byte)'k', (byte)'e' }));
    }

    [Fact]
    public async Task RC3_an_action_is_not_replayed_but_the_connection_is_healed()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("controller"), autoReconnect: true);
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 1, "one session");

        await fixture.Server.DropAsync(fixture.Sessions.Single().Id);
        await ServerFixture.EventuallyAsync(() => fixture.Sessions.Count == 0, "the drop");

        await Assert.ThrowsAsync<ConnectionClosedException>(() => client.PointerAsync(new PointerEvent(PointerAction.Move, new Point(10, 20))));
        Assert.Empty(fixture.Computer.PointerEvents);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);
        Assert.Single(fixture.Sessions);
    }

    [Fact]
    public async Task RC4_a_server_gone_for_good_exhausts_the_budget()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("controller"), autoReconnect: true, budgetSeconds: 1);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);

        await fixture.StopServerAsync();

        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OpenDeskException>(() => client.CursorPositionAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(6));
    }

    [Fact]
    public async Task RC5_with_auto_reconnect_off_a_drop_is_final()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var client = await fixture.ConnectAsync(fixture.AddController("controller"), autoReconnect: false);
        Assert.Equal(50, (await client.CursorPositionAsync()).X);

        await fixture.Server.DropAsync(fixture.Sessions.Single().Id);

        await Assert.ThrowsAsync<ConnectionClosedException>(() => client.CursorPositionAsync());
        await Task.Delay(200);
        Assert.Empty(fixture.Sessions);
    }

    [Fact]
    public async Task A_busy_rejection_is_final_not_transient()
    {
        await using var fixture = await ServerFixture.StartAsync();
        await using var a = await fixture.ConnectAsync(fixture.AddController("a"));
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<BusyException>(() => fixture.ConnectAsync(fixture.AddController("b"), autoReconnect: true));

        Assert.Equal(ErrorCodes.Busy, ex.Code);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }
}
