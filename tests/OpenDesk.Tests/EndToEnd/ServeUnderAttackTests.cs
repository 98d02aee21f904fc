using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenDesk.Client;
using OpenDesk.Protocol;
using OpenDesk.Server.Admin;
using OpenDesk.Session;
using OpenDesk.Tests.Transport;
using OpenDesk.Transport;
using OpenDesk.Trust;

namespace OpenDesk.Tests.EndToEnd;

/// <summary>
/// The real <c>opendesk serve</c> process attacked as a stranger on the same network would, over real sockets: the
/// slot cannot be taken with a public key alone, strangers cannot exhaust it, and a controller that loses the slot
/// stops acting.
/// </summary>
[Collection(nameof(EndToEndCollection))]
[SupportedOSPlatform("linux")]
public sealed class ServeUnderAttackTests : IDisposable
{
    private static readonly TransportOptions NoKeepAlive = new() { KeepAliveInterval = TimeSpan.Zero };

    private readonly EndToEndScope _scope = new();

    [Fact]
    public async Task An_impostor_holding_only_a_controllers_public_key_evicts_nobody_and_is_dropped_at_the_handshake_deadline()
    {
        var desk = await PairedServeAsync();
        await using var controller = await ConnectAsync(desk);
        var before = Assert.Single(await SessionsAsync(desk.Server));
        var publicKey = Identity.LoadOrCreate(new OpenDeskHome(desk.Controller)).PublicKey;

        // A forged first frame does not decrypt: the connection is dropped at once.
        await using (var forged = await ImpostorAsync(desk.Port, publicKey))
        {
            await forged.SendAsync(RandomNumberGenerator.GetBytes(90));
            Assert.True(await ClosedWithinAsync(forged, TimeSpan.FromSeconds(5)), "a forged HELLO did not end the connection");
        }

        // Silence: the server waits for the proof no longer than the handshake deadline (10 s, spec §7.4).
        var watch = Stopwatch.StartNew();
        await using (var silent = await ImpostorAsync(desk.Port, publicKey))
        {
            Assert.True(await ClosedWithinAsync(silent, TimeSpan.FromSeconds(20)), "a silent impostor kept its connection");
        }

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(16));

        // The real controller never noticed: same session, not evicted, still served.
        Assert.Equal(before.Id, Assert.Single(await SessionsAsync(desk.Server)).Id);
        Assert.False(controller.IsEvicted);
        Assert.NotNull(await controller.CapabilitiesAsync());
        var audit = AuditEntries(desk.Server);
        var opened = Assert.Single(audit, e => e.Type == "session.opened" && e.Mode == "serve");
        Assert.Equal(before.Id, opened.SessionId);
        Assert.DoesNotContain(audit, e => e.Type == "session.closed" && e.SessionId == before.Id);
        Assert.Contains(audit, e => e.Type == "session.rejected" && e.Reason == "auth_failed: protocol");
    }

    [Fact]
    public async Task A_flood_of_idle_connections_from_many_addresses_is_capped_times_out_and_never_stops_the_controller()
    {
        // The limit at which an unauthenticated flood used to abort serve ("Out of memory.").
        var desk = await PairedServeAsync(fileLimit: 1024);
        await using var controller = await ConnectOrExplainAsync(desk);
        var baseline = FileDescriptors(desk.Serve.Pid);

        // 30 addresses × 12 connections: past the per-address cap, the total cap and the process's descriptor limit.
        var flood = new List<Socket>();
        try
        {
            for (var host = 2; host < 32; host++)
            {
                var source = IPAddress.Parse($"127.0.0.{host}");
                for (var i = 0; i < 12; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    socket.Bind(new IPEndPoint(source, 0));
                    flood.Add(socket);
                    try
                    {
                        await socket.ConnectAsync(IPAddress.Loopback, desk.Port);
                    }
                    catch (SocketException)
                    {
                        // The listen backlog overflowing is the flood's problem, not the server's.
                    }
                }

                Assert.NotNull(await controller.CapabilitiesAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            }

            Assert.InRange(FileDescriptors(desk.Serve.Pid), 0, baseline + 120);

            // Idle strangers are cut off after the upgrade deadline (5 s) and their descriptors come back.
            await EventuallyAsync(() => FileDescriptors(desk.Serve.Pid) <= baseline + 10, "the idle connections to be closed", 20);
        }
        finally
        {
            foreach (var socket in flood)
            {
                socket.Dispose();
            }
        }

        Assert.False(desk.Serve.HasExited, desk.Serve.Output);
        Assert.NotNull(await controller.CapabilitiesAsync());
        Assert.False(controller.IsEvicted);

        // After the flood a new controller connection is served (the same one, bumping its old session).
        await using var again = await ConnectAsync(desk);
        Assert.NotNull(await again.CapabilitiesAsync());
    }

    [Fact]
    public async Task Near_the_descriptor_limit_new_commands_and_strangers_are_refused_and_serve_keeps_serving()
    {
        var desk = await PairedServeAsync(virtualDisplay: true);
        await using var controller = await ConnectAsync(desk);
        Assert.Equal(0, (await controller.ShellAsync("true")).Returncode);

        // Leave serve a few descriptors beyond the reserve it keeps for the runtime, then ask for more commands
        // than fit: the runtime aborts a process that cannot open a descriptor it needs, so serve must say no first.
        var limit = FileDescriptors(desk.Serve.Pid) + DescriptorHeadroom.Reserve + 12;
        using (var prlimit = Process.Start("prlimit", ["--pid", desk.Serve.Pid.ToString(CultureInfo.InvariantCulture), $"--nofile={limit}:{limit}"]))
        {
            await prlimit.WaitForExitAsync();
            Assert.Equal(0, prlimit.ExitCode);
        }

        var commands = new List<Task<string>>();
        for (var i = 0; i < 16; i++)
        {
            commands.Add(controller.ShellAsync("sleep 6").ContinueWith(t => t.IsFaulted ? t.Exception!.InnerException!.Message : t.Result.Returncode == 0 ? "ran" : $"exit {t.Result.Returncode}: {System.Text.Encoding.UTF8.GetString(t.Result.Stderr)}", TaskScheduler.Default));
            await Task.Delay(100);
        }

        Assert.Contains(commands, c => c.IsCompleted);
        using (var stranger = await RawWebSocketClient.ConnectAsync(desk.Port).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default))
        {
            Assert.True(stranger is null || await stranger.WaitForCloseAsync(TimeSpan.FromSeconds(2)), "a stranger was admitted with no descriptors to spare");
        }

        Assert.NotNull(await controller.CapabilitiesAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        var outcomes = await Task.WhenAll(commands).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("ran", outcomes);
        Assert.Contains("internal: the desk is running out of file descriptors (fewer than 64 left); wait for running commands to finish and try again", outcomes);
        Assert.False(desk.Serve.HasExited, $"serve died near its descriptor limit:\n{desk.Serve.Output}");

        // With the commands done there is room again: a controller connection is served.
        await using var again = await ConnectAsync(desk);
        Assert.NotNull(await again.CapabilitiesAsync());
    }

    [Fact]
    public async Task Oversize_messages_before_authentication_are_cut_off_after_a_few_KiB_without_growing_serve()
    {
        var desk = await PairedServeAsync();
        await using var controller = await ConnectAsync(desk);
        var rssBefore = ResidentKiB(desk.Serve.Pid);

        for (var host = 2; host < 12; host++)
        {
            using var stranger = await RawWebSocketClient.ConnectAsync(desk.Port, source: IPAddress.Parse($"127.0.0.{host}"));
            const int size = 8 * 1024 * 1024;
            await stranger.SendFrameHeaderAsync(opcode: 2, fin: true, size);
            var sending = SendZerosAsync(stranger, size);
            Assert.True(await stranger.WaitForCloseAsync(TimeSpan.FromSeconds(10)), "serve kept reading an oversize message before authentication");
            await Task.WhenAny(sending, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        Assert.NotNull(await controller.CapabilitiesAsync());
        Assert.InRange(ResidentKiB(desk.Serve.Pid) - rssBefore, long.MinValue, 30 * 1024);
        Assert.Contains(AuditEntries(desk.Server), e => e.Type == "session.rejected" && e.Reason.StartsWith("auth_failed: protocol", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nothing_an_evicted_controller_queued_runs_after_the_next_one_got_the_slot()
    {
        var desk = await PairedServeAsync(virtualDisplay: true);
        var b = _scope.Home("b");
        await PairWhileServingAsync(desk, b);
        var target = Directory.CreateTempSubdirectory("od-evict-").FullName;
        try
        {
            foreach (var (label, handOver) in new (string, Func<Task<RemoteComputer>>)[]
            {
                ("disconnect", async () =>
                {
                    Assert.Equal(0, (await OpendeskCli.RunAsync("disconnect", "--home", desk.Server)).Exit);
                    return await ConnectAsync(desk, b);
                }),
                ("bump", () => ConnectAsync(desk)),
            })
            {
                // A controller that pipelines far more writes than the server runs at once: when the slot changes
                // hands, most are queued on the server or still in flight.
                await using var evicted = await RawControllerAsync(desk, maxCalls: 3000);
                var payload = new byte[64 * 1024];
                var writes = Enumerable.Range(0, 3000)
                    .Select(i => evicted.CallAsync("fs.write", new MsgMap { ["path"] = Path.Combine(target, $"{label}-{i:D4}"), ["data"] = payload }))
                    .ToList();
                await EventuallyAsync(() => Directory.GetFiles(target, $"{label}-0*").Length > 20, "the first writes to land", 30);
                await using var next = await handOver();
                var marker = Path.Combine(target, $"{label}-marker");
                await next.WriteFileAsync(marker, payload);
                await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default))).WaitAsync(TimeSpan.FromSeconds(60));

                var handedOverAt = File.GetLastWriteTimeUtc(marker);
                var written = Directory.GetFiles(target, $"{label}-0*");
                var late = written.Where(f => File.GetLastWriteTimeUtc(f) > handedOverAt).ToList();
                Assert.True(late.Count == 0, $"{label}: {late.Count} writes of the evicted controller ran after the next one wrote its marker");
                Assert.True(written.Length < writes.Count, $"{label}: every queued write ran; the test did not pipeline enough");
            }
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task A_stalled_pairing_attempt_does_not_hold_the_window_and_five_failed_attempts_burn_it_naming_their_source()
    {
        var desk = await PairedServeAsync();
        var newcomer = _scope.Home("n");
        var p = desk.Port.ToString(CultureInfo.InvariantCulture);

        var pair = _scope.Start("pair", "--home", desk.Server, "--code", "246810", "--timeout", "120");
        await pair.WaitForOutputAsync("pairing code: 246810");
        using (var stalled = await StalledPairingAttemptAsync(desk.Port))
        {
            var paired = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "246810", "--port", p, "--home", newcomer, "--name", "desk");
            Assert.True(paired.Exit == 0, paired.Err);
            await pair.WaitForOutputAsync("✓ Paired with peer-");
        }

        // Five attempts that stall until the deadline burn a new window, and the desk says where they came from.
        var second = _scope.Start("pair", "--home", desk.Server, "--code", "135246", "--timeout", "120");
        await second.WaitForOutputAsync("pairing code: 135246");
        var stalls = new List<RawWebSocketClient>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                stalls.Add(await StalledPairingAttemptAsync(desk.Port, IPAddress.Parse("127.0.0.7")));
            }

            Assert.Equal(1, await second.WaitForExitAsync(40));
            Assert.Contains("pairing code burned after 5 failed attempts (from 127.0.0.7 ×5)", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            stalls.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Unknown_key_logins_are_throttled_per_source_and_aggregated_in_the_audit_log()
    {
        var desk = await PairedServeAsync();
        var stranger = KeyPair.Generate();
        var answered = 0;
        var refused = 0;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                var transport = await WebSocketConnector.ConnectAsync(new Uri($"ws://127.0.0.1:{desk.Port}/"), NoKeepAlive, TimeSpan.FromSeconds(5), CancellationToken.None);
                await using (transport)
                {
                    await AuthHandshake.RunClientAsync(transport, stranger, KeyPair.Generate().PublicKey, CancellationToken.None);
                }
            }
            catch (HandshakeException)
            {
                answered++;
            }
            catch (ConnectionClosedException)
            {
                refused++;
            }
        }

        // The first failures are free (typos, restarts); then the source is refused for a growing time.
        Assert.InRange(answered, 5, 8);
        Assert.Equal(40 - answered, refused);
        Assert.Contains("failed handshakes; refusing its connections", desk.Serve.Output, StringComparison.Ordinal);

        desk.Serve.Signal("INT");
        Assert.Equal(0, await desk.Serve.WaitForExitAsync());
        var rejected = AuditEntries(desk.Server).Where(e => e.Type == "session.rejected" && e.Reason == "auth_failed: untrusted_peer").ToList();
        Assert.Equal(2, rejected.Count);
        Assert.Null(rejected[0].Count);
        Assert.Equal(answered - 1, rejected[1].Count);
        Assert.Equal("127.0.0.1", rejected[1].RemoteAddress);
    }

    [Fact]
    public async Task A_frozen_controller_frees_the_slot_within_ten_seconds_by_default()
    {
        var desk = await PairedServeAsync();
        var frozen = _scope.Start("connect", $"ws://127.0.0.1:{desk.Port}#{ServerKeyHex(desk)}", "--home", desk.Controller, "--hold");
        await frozen.WaitForOutputAsync("Holding the session");
        frozen.Signal("STOP");
        var stoppedAt = Stopwatch.StartNew();
        await EventuallyAsync(() => SessionsAsync(desk.Server).GetAwaiter().GetResult().Count == 0, "the frozen controller to lose the slot", 20);
        Assert.True(stoppedAt.Elapsed <= TimeSpan.FromSeconds(10), $"the slot was freed {stoppedAt.Elapsed.TotalSeconds:0.0} s after the controller froze");
        frozen.Signal("CONT");
    }

    [Fact]
    public async Task A_controller_receiving_a_long_result_on_a_slow_link_is_not_dropped()
    {
        var desk = await PairedServeAsync(virtualDisplay: true, extraServeArgs: ["--liveness", "3"]);
        var file = Path.Combine(desk.Server, "big.bin");
        await File.WriteAllBytesAsync(file, RandomNumberGenerator.GetBytes(12 * 1024 * 1024));

        // 1 MiB/s towards the controller: the 12 MiB read takes four times the liveness window, in both directions.
        using var link = await ThrottledLink.StartAsync(desk.Port, bytesPerSecond: 1024 * 1024);
        await using var controller = await RemoteComputer.ConnectAsync(
            $"ws://127.0.0.1:{link.Port}#{ServerKeyHex(desk)}",
            new RemoteComputerOptions { Home = desk.Controller, AutoReconnect = false, KeepAliveInterval = TimeSpan.FromSeconds(0.75), KeepAliveTimeout = TimeSpan.FromSeconds(2.5) });
        var watch = Stopwatch.StartNew();
        byte[] data;
        try
        {
            data = await controller.ReadFileAsync(file).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"the read failed after {watch.Elapsed}: {ex.Message}\nserve said:\n{desk.Serve.Output}");
        }

        Assert.Equal(await File.ReadAllBytesAsync(file), data);
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(8), $"the link was not slow ({watch.Elapsed})");
        Assert.Single(await SessionsAsync(desk.Server));
    }

    [Fact]
    public async Task A_controller_that_pipelines_without_limit_gets_clear_errors_past_the_in_flight_cap_and_nothing_hangs()
    {
        var desk = await PairedServeAsync();
        await using var peer = await RawControllerAsync(desk, maxCalls: 5000);

        var calls = Enumerable.Range(0, 5000).Select(async _ =>
        {
            try
            {
                await peer.CallAsync("system.environment", new MsgMap());
                return "ok";
            }
            catch (ProtocolException ex)
            {
                return ex.Message;
            }
        }).ToList();
        var outcomes = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Contains("ok", outcomes);
        var refused = outcomes.Where(o => o != "ok").Distinct().ToList();
        Assert.Equal(["internal: too many calls in flight: this session already runs 128; wait for earlier calls to finish"], refused);
        Assert.NotNull(await peer.CallAsync("system.environment", new MsgMap()));
    }

    public void Dispose() => _scope.Dispose();

    private async Task<Desk> PairedServeAsync(bool virtualDisplay = false, int? fileLimit = null, string[]? extraServeArgs = null)
    {
        var server = _scope.Home("s");
        var controller = _scope.Home("a");
        var port = LocalPorts.Free();
        await _scope.PairAsync(server, controller, port, "desk");
        string[] args = [.. virtualDisplay ? ["--virtual-display", "1024x768"] : Array.Empty<string>(), .. extraServeArgs ?? []];
        var serve = await _scope.ServeAsync(server, port, fileLimit, args);
        return new Desk(server, controller, serve, port);
    }

    /// <summary>A controller without the library's own call limit, to pipeline as a hostile or naive client would.</summary>
    private static async Task<Peer> RawControllerAsync(Desk desk, int maxCalls)
    {
        var staticKey = KeyPair.From(Identity.LoadOrCreate(new OpenDeskHome(desk.Controller)));
        var transport = await WebSocketConnector.ConnectAsync(new Uri($"ws://127.0.0.1:{desk.Port}/"), NoKeepAlive, TimeSpan.FromSeconds(5), CancellationToken.None);
        var keys = await AuthHandshake.RunClientAsync(transport, staticKey, Convert.FromHexString(ServerKeyHex(desk)), CancellationToken.None);
        var peer = new Peer(new SecureChannel(transport, keys), new PeerOptions { MaxConcurrentCalls = maxCalls });
        await peer.StartAsync(HelloFrame.Client());
        return peer;
    }

    private async Task<string> PairWhileServingAsync(Desk desk, string controller)
    {
        var pair = _scope.Start("pair", "--home", desk.Server, "--code", "975310", "--timeout", "60");
        await pair.WaitForOutputAsync("pairing code: 975310");
        var paired = await OpendeskCli.RunAsync("pair-with", "127.0.0.1", "975310", "--port", desk.Port.ToString(CultureInfo.InvariantCulture), "--home", controller, "--name", "desk");
        Assert.True(paired.Exit == 0, paired.Err);
        await pair.WaitForOutputAsync("✓ Paired with peer-");
        return pair.Output.Split('\n').Single(l => l.StartsWith("✓ Paired with ", StringComparison.Ordinal));
    }

    private static Task<RemoteComputer> ConnectAsync(Desk desk, string? controllerHome = null) =>
        RemoteComputer.ConnectAsync(
            $"ws://127.0.0.1:{desk.Port}#{ServerKeyHex(desk)}",
            new RemoteComputerOptions { Home = controllerHome ?? desk.Controller, AutoReconnect = false });

    private static async Task<RemoteComputer> ConnectOrExplainAsync(Desk desk)
    {
        try
        {
            return await ConnectAsync(desk);
        }
        catch (OpenDeskException ex)
        {
            throw new Xunit.Sdk.XunitException($"connect failed: {ex.Message}\nserve said:\n{desk.Serve.Output}");
        }
    }

    private static string ServerKeyHex(Desk desk) => Identity.LoadOrCreate(new OpenDeskHome(desk.Server)).PublicKeyHex;

    private static Task<IReadOnlyList<AdminSession>> SessionsAsync(string serverHome) =>
        AdminClient.ListAsync(AdminEndpoint.Of(new OpenDeskHome(serverHome)), CancellationToken.None);

    /// <summary>Sends <c>auth_hello</c> with someone else's public key and reads the offer a trusted key gets.</summary>
    private static async Task<IMessageTransport> ImpostorAsync(int port, byte[] victimPublicKey)
    {
        var transport = await WebSocketConnector.ConnectAsync(new Uri($"ws://127.0.0.1:{port}/"), NoKeepAlive, TimeSpan.FromSeconds(5), CancellationToken.None);
        await transport.SendAsync(HandshakeMessage.Encode(HandshakeMessage.AuthHello, ("e", KeyPair.Generate().PublicKey), ("s", victimPublicKey)));
        var offer = await HandshakeMessage.ReceiveAsync(transport, CancellationToken.None, HandshakeMessage.AuthOffer);
        Assert.Equal(18, HandshakeMessage.Field(offer, "ct").Length);
        return transport;
    }

    private static async Task<bool> ClosedWithinAsync(IMessageTransport transport, TimeSpan timeout)
    {
        try
        {
            return await transport.ReceiveAsync().AsTask().WaitAsync(timeout) is null;
        }
        catch (ConnectionClosedException)
        {
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>A pairing attempt that sends <c>cpace_hello</c> and then nothing, as an attacker holding the window would.</summary>
    private static async Task<RawWebSocketClient> StalledPairingAttemptAsync(int port, IPAddress? source = null)
    {
        var client = await RawWebSocketClient.ConnectAsync(port, source: source);
        var hello = HandshakeMessage.Encode(CpacePairingHandshake.Hello, ("e", KeyPair.Generate().PublicKey), ("s", KeyPair.Generate().PublicKey));
        await client.SendFrameHeaderAsync(opcode: 2, fin: true, hello.Length);
        await client.SendRawAsync(hello);
        return client;
    }

    private static async Task SendZerosAsync(RawWebSocketClient client, int size)
    {
        var chunk = new byte[64 * 1024];
        try
        {
            for (var sent = 0; sent < size; sent += chunk.Length)
            {
                await client.SendRawAsync(chunk);
            }
        }
        catch (IOException)
        {
        }
    }

    private static int FileDescriptors(int pid) => Directory.GetFiles($"/proc/{pid}/fd").Length;

    private static long ResidentKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static List<AuditEntry> AuditEntries(string serverHome) =>
        [.. Directory.GetFiles(Path.Combine(serverHome, "audit"), "*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => new AuditEntry(
                e.GetProperty("type").GetString()!,
                Text(e, "reason"),
                Text(e, "remote_addr"),
                Text(e, "session_id"),
                Text(e, "mode"),
                e.TryGetProperty("count", out var count) ? count.GetInt32() : null))];

    private static string Text(JsonElement entry, string key) => entry.TryGetProperty(key, out var value) ? value.GetString()! : "";

    private static async Task EventuallyAsync(Func<bool> condition, string what, double seconds)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(seconds), $"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }

    private sealed record Desk(string Server, string Controller, RunningCommand Serve, int Port);

    private sealed record AuditEntry(string Type, string Reason, string RemoteAddress, string SessionId, string Mode, int? Count);
}
