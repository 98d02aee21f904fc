using System.Buffers.Binary;
using System.Net.Sockets;
using OpenDesk.Protocol;
using OpenDesk.Server;
using OpenDesk.Server.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Tests.Admin;

/// <summary>
/// The admin IPC over a named pipe, Windows' endpoint (spec §20.1). Outside Windows .NET backs the pipe with a Unix
/// domain socket, so the same server and client code runs end to end here too.
/// </summary>
public class AdminPipeTests
{
    private static readonly PairingOutcome Laptop = new("laptop", new string('a', 64), "abcd-ef01-2345-6789");

    [Fact]
    public async Task List_kill_and_kill_all_work_over_the_pipe()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "192.168.1.10:54321", 1.0, SessionInfo.ServeMode));
        await fx.StartAsync();

        var listed = Assert.Single(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal(("abcd", "laptop", "192.168.1.10:54321"), (listed.Id, listed.PeerName, listed.RemoteAddress));
        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["killed"] = 0L }, await fx.RequestAsync(new MsgMap { ["op"] = "kill", ["id"] = "nope" }));
        Assert.True(await AdminClient.KillAsync(fx.Endpoint, "abcd", CancellationToken.None));
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));

        fx.Operations.Add(new SessionInfo("ef01", "desk", new string('1', 64), "?", 2.0, SessionInfo.ServeMode));
        Assert.Equal(1, await AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal(0, await AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal([("nope", "admin_disconnect"), ("abcd", "admin_disconnect"), ("ef01", "admin_disconnect")], fx.Operations.Kills);
    }

    [Fact]
    public async Task Shutdown_releases_the_pipe_name_for_the_next_server()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        var server = await fx.StartAsync();
        Assert.Equal($@"\\.\pipe\{fx.PipeName}", server.Endpoint.Address);

        await server.DisposeAsync();

        if (!OperatingSystem.IsWindows())
        {
            Assert.False(File.Exists(AdminFixture.PipeSocketPath(fx.PipeName!)));
        }

        await fx.StartAsync();
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task No_server_gives_the_not_running_text_naming_the_pipe()
    {
        await using var fx = AdminFixture.OnNamedPipe();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));

        Assert.Equal($@"No opendesk admin pipe at \\.\pipe\{fx.PipeName}.  Is `opendesk serve` running?", ex.Message);
    }

    [Fact]
    public async Task A_live_pipe_refuses_a_second_server_and_the_first_keeps_working()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminServer.StartAsync(fx.Endpoint, new FakeAdminOperations(), null, CancellationToken.None));

        Assert.Equal($@"another opendesk serve is already running with this home (admin pipe \\.\pipe\{fx.PipeName} is live)", ex.Message);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task A_socket_left_behind_the_pipe_by_a_crashed_server_reads_as_not_running_and_is_replaced()
    {
        await using var fx = AdminFixture.OnNamedPipe();

        // Disposing a bound socket deletes its file, which a crashed server never gets to do: bind elsewhere and move it.
        var bound = Path.Combine(fx.Directory, "crashed.sock");
        using (var crashed = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            crashed.Bind(new UnixDomainSocketEndPoint(bound));
            File.Move(bound, AdminFixture.PipeSocketPath(fx.PipeName!));
        }

        Assert.True(File.Exists(AdminFixture.PipeSocketPath(fx.PipeName!)));

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        Assert.StartsWith("No opendesk admin pipe at ", ex.Message, StringComparison.Ordinal);
        await fx.StartAsync();
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task Two_homes_serve_side_by_side_on_their_own_pipes()
    {
        var root = Directory.CreateTempSubdirectory("odadm-");
        try
        {
            var first = new OpenDeskHome(Path.Combine(root.FullName, "first"));
            var second = new OpenDeskHome(Path.Combine(root.FullName, "second"));
            var firstOperations = new FakeAdminOperations();
            var secondOperations = new FakeAdminOperations();
            firstOperations.Add(new SessionInfo("1111", "one", new string('1', 64), "?", 1.0, SessionInfo.ServeMode));
            secondOperations.Add(new SessionInfo("2222", "two", new string('2', 64), "?", 1.0, SessionInfo.ServeMode));

            Assert.NotEqual(first.AdminPipeName, second.AdminPipeName);
            await using var firstServer = await AdminServer.StartAsync(AdminEndpoint.NamedPipe(first.AdminPipeName), firstOperations, null, CancellationToken.None);
            await using var secondServer = await AdminServer.StartAsync(AdminEndpoint.NamedPipe(second.AdminPipeName), secondOperations, null, CancellationToken.None);

            Assert.Equal("1111", Assert.Single(await AdminClient.ListAsync(AdminEndpoint.NamedPipe(first.AdminPipeName), CancellationToken.None)).Id);
            Assert.Equal("2222", Assert.Single(await AdminClient.ListAsync(AdminEndpoint.NamedPipe(second.AdminPipeName), CancellationToken.None)).Id);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("81a26f70a378797a", "unknown op 'xyz'")]
    [InlineData("80", "unknown op None")]
    [InlineData("81a26f70a46b696c6c", "missing 'id'")]
    [InlineData("9101", "admin frame is not a dict: list")]
    [InlineData("81a26f70a470616972", "missing 'code'")]
    public async Task Bad_requests_get_the_upstream_error_reply_over_the_pipe(string bodyHex, string error)
    {
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync();
        var body = VectorFiles.Hex(bodyHex);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);

        var received = await SendRawAsync(fx, frame);

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = error }, AdminFrame.Decode(received));
    }

    [Fact]
    public async Task Each_pipe_connection_carries_exactly_one_reply()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync();
        var list = AdminFrame.Encode(new MsgMap { ["op"] = "list" });

        var received = await SendRawAsync(fx, [.. list, .. list]);

        Assert.Equal("0000000f82a26f6bc3a873657373696f6e7390", VectorFiles.ToHex(received));
    }

    [Fact]
    public async Task An_oversize_frame_is_refused_and_the_pipe_keeps_serving()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync();

        var received = await SendRawAsync(fx, [0xff, 0xff, 0xff, 0xff]);

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = "admin frame too large" }, AdminFrame.Decode(received));
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [Fact]
    public async Task A_silent_pipe_client_neither_blocks_others_nor_stays_connected_past_the_timeout()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        await fx.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        await using var silent = await fx.ConnectRawStreamAsync();

        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None).WaitAsync(TimeSpan.FromMilliseconds(800)));

        var received = await AdminFixture.ReadToCloseAsync(silent);
        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = "no complete admin request within 1.0s" }, AdminFrame.Decode(received));
    }

    [Fact]
    public async Task Many_concurrent_pipe_clients_are_all_answered()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "?", 1.0, SessionInfo.ServeMode));
        await fx.StartAsync();
        var stalled = new List<Stream>();
        for (var i = 0; i < 20; i++)
        {
            stalled.Add(await fx.ConnectRawStreamAsync());
        }

        try
        {
            var lists = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None))).WaitAsync(AdminFixture.Patience);

            Assert.All(lists, l => Assert.Equal("abcd", Assert.Single(l).Id));
        }
        finally
        {
            foreach (var stream in stalled)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_pending_pair_sends_the_interim_frame_then_the_outcome_and_list_still_answers()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        var someonePaired = new TaskCompletionSource<PairingOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        (string Code, TimeSpan Timeout)? asked = null;
        fx.Operations.Pair = (code, timeout, _) =>
        {
            asked = (code, timeout);
            return someonePaired.Task;
        };
        fx.Operations.Port = 9555;
        await fx.StartAsync();
        await using var client = await fx.ConnectRawStreamAsync();

        await AdminFrame.WriteAsync(client, new MsgMap { ["op"] = "pair", ["code"] = "123456", ["timeout"] = 60.0 }, CancellationToken.None);
        var interim = await AdminFrame.ReadAsync(client, CancellationToken.None).WaitAsync(AdminFixture.Patience);
        var listedMeanwhile = await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None).WaitAsync(AdminFixture.Patience);
        someonePaired.SetResult(Laptop);
        var outcome = await AdminFrame.ReadAsync(client, CancellationToken.None).WaitAsync(AdminFixture.Patience);

        TreeAssert.Equal(new MsgMap { ["ok"] = true, ["open"] = true, ["port"] = 9555L }, interim);
        Assert.Empty(listedMeanwhile);
        TreeAssert.Equal(
            new MsgMap { ["ok"] = true, ["name"] = "laptop", ["public_key"] = new string('a', 64), ["fingerprint"] = "abcd-ef01-2345-6789" },
            outcome);
        Assert.Empty(await AdminFixture.ReadToCloseAsync(client));
        Assert.Equal(("123456", TimeSpan.FromSeconds(60)), asked);
    }

    [Fact]
    public async Task A_pair_timeout_reaches_the_client_over_the_pipe()
    {
        await using var fx = AdminFixture.OnNamedPipe();
        fx.Operations.Pair = (_, _, _) => Task.FromException<PairingOutcome>(new TimeoutException());
        await fx.StartAsync();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.PairAsync(fx.Endpoint, "123456", TimeSpan.FromSeconds(2.5), _ => { }, CancellationToken.None));

        Assert.Equal("no peer paired within 2.5s.", ex.Message);
    }

    private static async Task<byte[]> SendRawAsync(AdminFixture fx, byte[] bytes)
    {
        await using var stream = await fx.ConnectRawStreamAsync();
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
        return await AdminFixture.ReadToCloseAsync(stream);
    }
}
