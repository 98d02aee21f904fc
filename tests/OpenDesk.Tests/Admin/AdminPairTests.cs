using System.Runtime.Versioning;
using OpenDesk.Protocol;
using OpenDesk.Server;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

/// <summary>The <c>pair</c> extension: <c>opendesk pair</c> borrowing a running serve's port.</summary>
[UnsupportedOSPlatform("windows")]
public class AdminPairTests
{
    private static readonly PairingOutcome Laptop = new("laptop", new string('a', 64), "abcd-ef01-2345-6789");

    [UnixFact]
    public async Task A_successful_pairing_is_reported_with_name_key_and_fingerprint()
    {
        await using var fx = new AdminFixture();
        (string Code, TimeSpan Timeout)? asked = null;
        fx.Operations.Pair = (code, timeout, _) =>
        {
            asked = (code, timeout);
            return Task.FromResult(Laptop);
        };
        await fx.StartAsync();

        var reply = await fx.RequestAsync(new MsgMap { ["op"] = "pair", ["code"] = "123456", ["timeout"] = 300.0 });
        var outcome = await AdminClient.PairAsync(fx.Endpoint, "654321", TimeSpan.FromSeconds(2.5), _ => { }, CancellationToken.None);

        TreeAssert.Equal(
            new MsgMap { ["ok"] = true, ["name"] = "laptop", ["public_key"] = new string('a', 64), ["fingerprint"] = "abcd-ef01-2345-6789" },
            reply);
        Assert.Equal(Laptop, outcome);
        Assert.Equal(("654321", TimeSpan.FromSeconds(2.5)), asked);
    }

    [UnixTheory]
    [InlineData(300.0, "no peer paired within 300.0s.")]
    [InlineData(2.5, "no peer paired within 2.5s.")]
    public async Task A_timeout_gives_the_cli_text_with_a_python_float(double seconds, string expected)
    {
        await using var fx = new AdminFixture();
        fx.Operations.Pair = (_, _, _) => Task.FromException<PairingOutcome>(new TimeoutException());
        await fx.StartAsync();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.PairAsync(fx.Endpoint, "123456", TimeSpan.FromSeconds(seconds), _ => { }, CancellationToken.None));

        Assert.Equal(expected, ex.Message);
    }

    [UnixFact]
    public async Task An_integer_timeout_is_accepted_and_a_missing_one_defaults_to_the_cli_default()
    {
        await using var fx = new AdminFixture();
        var timeouts = new List<TimeSpan>();
        fx.Operations.Pair = (_, timeout, _) =>
        {
            timeouts.Add(timeout);
            return Task.FromException<PairingOutcome>(new TimeoutException());
        };
        await fx.StartAsync();

        var integral = await fx.RequestAsync(new MsgMap { ["op"] = "pair", ["code"] = "123456", ["timeout"] = 60L });
        var missing = await fx.RequestAsync(new MsgMap { ["op"] = "pair", ["code"] = "123456" });

        Assert.Equal("no peer paired within 60.0s.", integral["error"]);
        Assert.Equal("no peer paired within 300.0s.", missing["error"]);
        Assert.Equal([TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300)], timeouts);
    }

    [UnixTheory]
    [InlineData("81a26f70a470616972", "missing 'code'")]
    [InlineData("82a26f70a470616972a4636f6465ce0001e240", "missing 'code'")]
    [InlineData("83a26f70a470616972a4636f6465a6313233343536a774696d656f757400", "invalid 'timeout' 0: expected seconds greater than 0 and at most 86400.0")]
    [InlineData("83a26f70a470616972a4636f6465a6313233343536a774696d656f7574a3333030", "invalid 'timeout' '300': expected seconds greater than 0 and at most 86400.0")]
    public async Task Malformed_pair_requests_are_refused_without_opening_a_window(string bodyHex, string error)
    {
        await using var fx = new AdminFixture();
        var opened = false;
        fx.Operations.Pair = (_, _, _) =>
        {
            opened = true;
            return Task.FromResult(Laptop);
        };
        await fx.StartAsync();

        var body = VectorFiles.Hex(bodyHex);
        var request = Assert.IsType<MsgMap>(MsgPackReader.ReadSingle(body));

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = error }, await fx.RequestAsync(request));
        Assert.False(opened);
    }

    [UnixFact]
    public async Task A_window_that_is_already_open_is_reported()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.PairAsync(fx.Endpoint, "123456", TimeSpan.FromSeconds(5), _ => { }, CancellationToken.None));

        Assert.Equal("a pairing window is already open", ex.Message);
    }

    [UnixTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pending_pair_announces_the_port_does_not_block_other_requests_and_closes_when_the_client_hangs_up(bool onNamedPipe)
    {
        await using var fx = onNamedPipe ? AdminFixture.OnNamedPipe() : new AdminFixture();
        var windowOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var windowClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Operations.Pair = async (_, timeout, cancellationToken) =>
        {
            windowOpen.SetResult();
            try
            {
                await Task.Delay(timeout, cancellationToken);
            }
            finally
            {
                windowClosed.SetResult();
            }

            throw new TimeoutException();
        };
        fx.Operations.Port = 9555;
        await fx.StartAsync();
        using var ctrlC = new CancellationTokenSource();
        var announcedPort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var pairing = AdminClient.PairAsync(fx.Endpoint, "123456", TimeSpan.FromSeconds(300), announcedPort.SetResult, ctrlC.Token);
        await windowOpen.Task.WaitAsync(AdminFixture.Patience);
        Assert.Equal(9555, await announcedPort.Task.WaitAsync(AdminFixture.Patience));
        Assert.False(pairing.IsCompleted);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None).WaitAsync(AdminFixture.Patience));
        await ctrlC.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pairing);
        await windowClosed.Task.WaitAsync(AdminFixture.Patience);
    }

    [UnixTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Shutdown_closes_a_pending_pairing_window_and_releases_the_endpoint(bool onNamedPipe)
    {
        await using var fx = onNamedPipe ? AdminFixture.OnNamedPipe() : new AdminFixture();
        var windowOpen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Operations.Pair = async (_, timeout, cancellationToken) =>
        {
            windowOpen.SetResult();
            await Task.Delay(timeout, cancellationToken);
            throw new TimeoutException();
        };
        var server = await fx.StartAsync();

        var pairing = AdminClient.PairAsync(fx.Endpoint, "123456", TimeSpan.FromSeconds(300), _ => { }, CancellationToken.None);
        await windowOpen.Task.WaitAsync(AdminFixture.Patience);
        await server.DisposeAsync().AsTask().WaitAsync(AdminFixture.Patience);

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => pairing.WaitAsync(AdminFixture.Patience));
        Assert.Equal($"opendesk serve closed the admin connection without a reply ({fx.Endpoint})", ex.Message);
        Assert.False(File.Exists(onNamedPipe ? AdminFixture.PipeSocketPath(fx.PipeName!) : fx.SocketPath));
    }
}
