using System.Net.Sockets;
using System.Runtime.Versioning;
using OpenDesk.Protocol;
using OpenDesk.Server;
using OpenDesk.Server.Admin;

namespace OpenDesk.Tests.Admin;

[UnsupportedOSPlatform("windows")]
public class AdminServerTests
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [UnixFact]
    public async Task AD1_the_socket_appears_at_start_private_to_the_owner()
    {
        await using var fx = new AdminFixture();
        var server = await fx.StartAsync();

        Assert.Equal(fx.SocketPath, server.Endpoint.Address);
        Assert.True(File.Exists(fx.SocketPath));
        Assert.Equal((UnixFileMode)0, File.GetUnixFileMode(fx.SocketPath) & GroupOrOther);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(fx.SocketPath));
    }

    [UnixFact]
    public async Task A_missing_socket_directory_is_created_private()
    {
        await using var fx = new AdminFixture();
        var nested = Path.Combine(fx.Directory, "home");

        await using (var server = await AdminServer.StartAsync(AdminEndpoint.UnixSocket(Path.Combine(nested, "admin.sock")), fx.Operations, null, CancellationToken.None))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(nested));
        }
    }

    [UnixFact]
    public async Task AD2_the_socket_is_removed_on_shutdown()
    {
        await using var fx = new AdminFixture();
        var server = await fx.StartAsync();

        await server.DisposeAsync();

        Assert.False(File.Exists(fx.SocketPath));
        await server.DisposeAsync();
    }

    [UnixFact]
    public async Task AD3_no_server_gives_the_upstream_error_text()
    {
        await using var fx = new AdminFixture();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));

        Assert.Equal($"No opendesk admin socket at {fx.SocketPath}.  Is `opendesk serve` running?", ex.Message);
    }

    [UnixFact]
    public async Task A_socket_file_left_by_a_crashed_server_reads_as_not_running()
    {
        await using var fx = new AdminFixture();
        LeaveStaleSocket(fx.SocketPath);

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));

        Assert.Equal($"No opendesk admin socket at {fx.SocketPath}.  Is `opendesk serve` running?", ex.Message);
    }

    [UnixFact]
    public async Task AD4_list_with_no_sessions()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var reply = await fx.RequestAsync(new MsgMap { ["op"] = "list" });

        TreeAssert.Equal(new MsgMap { ["ok"] = true, ["sessions"] = new List<object?>() }, reply);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task AD5_list_reports_an_injected_session_with_every_wire_key()
    {
        await using var fx = new AdminFixture();
        var startedAt = (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds - 3;
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "192.168.1.10:54321", startedAt, SessionInfo.ServeMode));
        await fx.StartAsync();

        var reply = await fx.RequestAsync(new MsgMap { ["op"] = "list" });

        Assert.Equal(["ok", "sessions"], reply.Keys);
        var session = Assert.IsType<MsgMap>(Assert.Single(Assert.IsType<List<object?>>(reply["sessions"])));
        Assert.Equal(["id", "peer_name", "peer_pubkey_hex", "remote_addr", "started_at", "age_seconds", "mode"], session.Keys);
        Assert.Equal(startedAt, session["started_at"]);
        Assert.InRange(Assert.IsType<double>(session["age_seconds"]), 2.5, 60);

        var listed = Assert.Single(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal("abcd", listed.Id);
        Assert.Equal("laptop", listed.PeerName);
        Assert.Equal(new string('0', 64), listed.PeerPublicKeyHex);
        Assert.Equal("192.168.1.10:54321", listed.RemoteAddress);
        Assert.Equal(startedAt, listed.StartedAt);
        Assert.Equal(SessionInfo.ServeMode, listed.Mode);
    }

    [UnixFact]
    public async Task AD6_kill_of_an_unknown_session()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var reply = await fx.RequestAsync(new MsgMap { ["op"] = "kill", ["id"] = "nope" });

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["killed"] = 0L }, reply);
        Assert.False(await AdminClient.KillAsync(fx.Endpoint, "nope", CancellationToken.None));
    }

    [UnixFact]
    public async Task DU3_kill_of_a_listed_session_evicts_it_with_admin_disconnect()
    {
        await using var fx = new AdminFixture();
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "?", 1.0, SessionInfo.ServeMode));
        await fx.StartAsync();

        var target = Assert.Single(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None), s => s.PeerName == "laptop");
        var reply = await fx.RequestAsync(new MsgMap { ["op"] = "kill", ["id"] = target.Id });

        TreeAssert.Equal(new MsgMap { ["ok"] = true, ["killed"] = 1L }, reply);
        Assert.Equal([("abcd", "admin_disconnect")], fx.Operations.Kills);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task AD7_kill_all_when_empty_reports_zero()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        TreeAssert.Equal(new MsgMap { ["ok"] = true, ["killed"] = 0L }, await fx.RequestAsync(new MsgMap { ["op"] = "kill_all" }));
        Assert.Equal(0, await AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task DU1_kill_all_closes_the_active_session()
    {
        await using var fx = new AdminFixture();
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "?", 1.0, SessionInfo.ServeMode));
        await fx.StartAsync();

        Assert.Equal(1, await AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal([("abcd", "admin_disconnect")], fx.Operations.Kills);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixTheory]
    [InlineData("81a26f70a378797a", "unknown op 'xyz'")]
    [InlineData("80", "unknown op None")]
    [InlineData("81a26f7005", "unknown op 5")]
    [InlineData("81a26f70c4046c697374", "unknown op b'list'")]
    [InlineData("81a26f70a46b696c6c", "missing 'id'")]
    [InlineData("82a26f70a46b696c6ca26964cd3039", "missing 'id'")]
    [InlineData("82a26f70a46b696c6ca26964c0", "missing 'id'")]
    [InlineData("9101", "admin frame is not a dict: list")]
    [InlineData("a46c697374", "admin frame is not a dict: str")]
    [InlineData("07", "admin frame is not a dict: int")]
    [InlineData("cb3ff8000000000000", "admin frame is not a dict: float")]
    [InlineData("c0", "admin frame is not a dict: NoneType")]
    [InlineData("c3", "admin frame is not a dict: bool")]
    [InlineData("c4026f70", "admin frame is not a dict: bytes")]
    public async Task X7_bad_requests_get_the_upstream_error_reply_and_the_connection_closes(string bodyHex, string error)
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var received = await SendRawAsync(fx, Frame(VectorFiles.Hex(bodyHex)));

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = error }, AdminFrame.Decode(received));
    }

    [UnixFact]
    public async Task X7_each_connection_carries_exactly_one_reply_even_if_two_requests_are_sent()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();
        var list = AdminFrame.Encode(new MsgMap { ["op"] = "list" });

        var received = await SendRawAsync(fx, [.. list, .. list]);

        Assert.Equal("0000000f82a26f6bc3a873657373696f6e7390", VectorFiles.ToHex(received));
    }

    [UnixFact]
    public async Task An_oversize_length_prefix_is_answered_with_an_error_and_the_server_keeps_serving()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var received = await SendRawAsync(fx, [0xff, 0xff, 0xff, 0xff]);

        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = "admin frame too large" }, AdminFrame.Decode(received));
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task Undecodable_msgpack_is_answered_with_the_protocol_error_and_the_server_keeps_serving()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var reply = Assert.IsType<MsgMap>(AdminFrame.Decode(await SendRawAsync(fx, Frame([0xc1]))));
        var truncatedThenClosed = await SendRawAsync(fx, [0x00, 0x00, 0x00, 0x09, 0x81], halfClose: true);

        Assert.Equal(false, reply["ok"]);
        Assert.StartsWith("protocol: ", Assert.IsType<string>(reply["error"]), StringComparison.Ordinal);
        Assert.Empty(truncatedThenClosed);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task A_silent_client_neither_blocks_others_nor_stays_connected_past_the_timeout()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync(requestTimeout: TimeSpan.FromSeconds(1));
        using var silent = await fx.ConnectRawAsync();

        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None).WaitAsync(TimeSpan.FromMilliseconds(800)));

        var received = await AdminFixture.ReadToCloseAsync(silent);
        TreeAssert.Equal(new MsgMap { ["ok"] = false, ["error"] = "no complete admin request within 1.0s" }, AdminFrame.Decode(received));
    }

    [UnixFact]
    public async Task Many_concurrent_clients_are_all_answered()
    {
        await using var fx = new AdminFixture();
        fx.Operations.Add(new SessionInfo("abcd", "laptop", new string('0', 64), "?", 1.0, SessionInfo.ServeMode));
        await fx.StartAsync();
        var stalled = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            stalled.Add(await fx.ConnectRawAsync());
        }

        try
        {
            var lists = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None))).WaitAsync(AdminFixture.Patience);

            Assert.All(lists, l => Assert.Equal("abcd", Assert.Single(l).Id));
        }
        finally
        {
            stalled.ForEach(s => s.Dispose());
        }
    }

    [UnixFact]
    public async Task A_failing_operation_becomes_an_error_reply()
    {
        await using var fx = new AdminFixture();
        fx.Operations.ListFailure = new InvalidOperationException("session registry is shutting down");
        await fx.StartAsync();

        TreeAssert.Equal(
            new MsgMap { ["ok"] = false, ["error"] = "session registry is shutting down" },
            await fx.RequestAsync(new MsgMap { ["op"] = "list" }));
        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        Assert.Equal("session registry is shutting down", ex.Message);
    }

    [UnixFact]
    public async Task A_stale_socket_file_is_replaced()
    {
        await using var fx = new AdminFixture();
        LeaveStaleSocket(fx.SocketPath);

        await fx.StartAsync();

        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task A_live_socket_refuses_a_second_server_and_the_first_keeps_working()
    {
        await using var fx = new AdminFixture();
        await fx.StartAsync();

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminServer.StartAsync(fx.Endpoint, new FakeAdminOperations(), null, CancellationToken.None));

        Assert.Equal($"another opendesk serve is already running with this home (admin socket {fx.SocketPath} is live)", ex.Message);
        Assert.Empty(await AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
    }

    [UnixFact]
    public async Task A_socket_path_beyond_the_kernel_limit_is_a_clear_error()
    {
        await using var fx = new AdminFixture();
        var path = Path.Combine(fx.Directory, new string('h', 120), "admin.sock");

        var ex = await Assert.ThrowsAsync<OpenDeskException>(() => AdminServer.StartAsync(AdminEndpoint.UnixSocket(path), fx.Operations, null, CancellationToken.None));

        Assert.Contains("too long for a Unix domain socket", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--home", ex.Message, StringComparison.Ordinal);
    }

    [UnixFact]
    public async Task Client_fallback_texts_apply_when_the_daemon_gives_no_error()
    {
        await using var fx = new AdminFixture();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(fx.SocketPath));
        listener.Listen();
        var answering = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                using var peer = await listener.AcceptAsync();
                using var stream = new NetworkStream(peer);
                await AdminFrame.ReadAsync(stream, CancellationToken.None);
                await AdminFrame.WriteAsync(stream, new MsgMap { ["ok"] = false }, CancellationToken.None);
            }
        });

        var list = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.ListAsync(fx.Endpoint, CancellationToken.None));
        var killAll = await Assert.ThrowsAsync<OpenDeskException>(() => AdminClient.KillAllAsync(fx.Endpoint, CancellationToken.None));
        await answering.WaitAsync(AdminFixture.Patience);

        Assert.Equal("list failed", list.Message);
        Assert.Equal("kill_all failed", killAll.Message);
    }

    /// <summary>What a crashed server leaves: a socket file nobody listens on.</summary>
    private static void LeaveStaleSocket(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        Assert.True(File.Exists(path));
    }

    private static byte[] Frame(byte[] body)
    {
        var frame = new byte[4 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static async Task<byte[]> SendRawAsync(AdminFixture fx, byte[] bytes, bool halfClose = false)
    {
        using var socket = await fx.ConnectRawAsync();
        await socket.SendAsync(bytes);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        return await AdminFixture.ReadToCloseAsync(socket);
    }
}
