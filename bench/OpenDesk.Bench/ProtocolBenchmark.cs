using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using OpenDesk.Protocol;
using OpenDesk.Server.Transport;
using OpenDesk.Session;
using OpenDesk.Transport;

namespace OpenDesk.Bench;

/// <summary>
/// Protocol core over a real loopback WebSocket: auth and pairing handshake times (v1 PBKDF2 pairing against
/// CPace pairing), small-call round trip, and throughput of calls carrying 1 MiB of bytes.
/// </summary>
internal static class ProtocolBenchmark
{
    private const string PairingCode = "428901";

    public static async Task RunAsync(int handshakes, int calls, int bulkCalls)
    {
        var serverKey = KeyPair.Generate();
        var clientKey = KeyPair.Generate();
        var options = new TransportOptions();

        // Derived once, as a server does when it opens a pairing window; the client derives it per attempt.
        var serverPsk = HandshakeCrypto.DerivePsk(PairingCode);
        await using var server = await WebSocketServer.StartAsync("127.0.0.1", 0, options, async (transport, ct) =>
        {
            try
            {
                var hello = await HandshakeMessage.ReceiveAsync(transport, ct, HandshakeMessage.AuthHello, HandshakeMessage.PairHello, CpacePairingHandshake.Hello);
                var keys = hello["kind"] switch
                {
                    HandshakeMessage.PairHello => await PairingHandshake.RunServerAsync(transport, serverKey, serverPsk, hello, ct),
                    CpacePairingHandshake.Hello => await CpacePairingHandshake.RunServerAsync(transport, serverKey, PairingCode, hello, ct),
                    _ => await AuthHandshake.RunServerAsync(transport, serverKey, hello, _ => true, ct),
                };
                await using var peer = new Peer(new SecureChannel(transport, keys), null, new EchoDispatcher());
                await peer.StartAsync(new HelloFrame(HelloFrame.ServerRole, "", new MsgMap(), new MsgMap(), null), ct);
                await peer.Closed.WaitAsync(ct);
            }
            catch (Exception ex) when (ex is OpenDeskException or OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        var uri = new Uri($"ws://127.0.0.1:{server.Port}/");

        Console.WriteLine("protocol core, loopback WebSocket");
        var handshakeTimes = new List<double>();
        for (var i = 0; i < handshakes; i++)
        {
            var transport = await WebSocketConnector.ConnectAsync(uri, options, TimeSpan.FromSeconds(5), CancellationToken.None);
            var sw = Stopwatch.StartNew();
            var keys = await AuthHandshake.RunClientAsync(transport, clientKey, serverKey.PublicKey, CancellationToken.None);
            sw.Stop();
            handshakeTimes.Add(sw.Elapsed.TotalMilliseconds);
            await using var peer = new Peer(new SecureChannel(transport, keys));
            await peer.StartAsync(HelloFrame.Client());
        }

        Stats.Print($"auth handshake (n={handshakes}) median", Stats.Ms(Stats.Percentile(handshakeTimes, 50)));
        Stats.Print($"auth handshake p99", Stats.Ms(Stats.Percentile(handshakeTimes, 99)));

        // Client-side time from connected to keys, including the client's own code-to-key work. v1 ends when the
        // client sends pair_finish; CPace waits one more message for the server's confirmation.
        var v1Pairings = Math.Max(5, handshakes / 10);
        var v1Times = await TimePairingsAsync(uri, options, v1Pairings, (transport, ct) =>
            PairingHandshake.RunClientAsync(transport, clientKey, HandshakeCrypto.DerivePsk(PairingCode), ct));
        Stats.Print($"v1 pairing handshake, PBKDF2 (n={v1Pairings}) median", Stats.Ms(Stats.Percentile(v1Times, 50)));
        var cpaceTimes = await TimePairingsAsync(uri, options, handshakes, (transport, ct) =>
            CpacePairingHandshake.RunClientAsync(transport, clientKey, PairingCode, ct));
        Stats.Print($"CPace pairing handshake (n={handshakes}) median", Stats.Ms(Stats.Percentile(cpaceTimes, 50)));
        Stats.Print("CPace pairing handshake p99", Stats.Ms(Stats.Percentile(cpaceTimes, 99)));

        var connection = await WebSocketConnector.ConnectAsync(uri, options, TimeSpan.FromSeconds(5), CancellationToken.None);
        var sessionKeys = await AuthHandshake.RunClientAsync(connection, clientKey, serverKey.PublicKey, CancellationToken.None);
        await using var client = new Peer(new SecureChannel(connection, sessionKeys));
        await client.StartAsync(HelloFrame.Client());

        var small = new MsgMap { ["x"] = 50.0, ["y"] = 60.0 };
        for (var i = 0; i < 2000; i++)
        {
            await client.CallAsync("echo", small);
        }

        var latencies = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await client.CallAsync("echo", small);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        Stats.Print($"small call round trip (n={calls}) median", Stats.Ms(Stats.Percentile(latencies, 50)));
        Stats.Print("small call round trip p99", Stats.Ms(Stats.Percentile(latencies, 99)));

        var payload = new MsgMap { ["data"] = new byte[1 << 20] };
        Random.Shared.NextBytes((byte[])payload["data"]!);
        await client.CallAsync("size", payload);
        var bulk = Stopwatch.StartNew();
        for (var i = 0; i < bulkCalls; i++)
        {
            var result = await client.CallAsync("size", payload);
            if ((long)result!["size"]! != 1 << 20)
            {
                throw new InvalidOperationException("payload damaged in transit");
            }
        }

        bulk.Stop();
        var mibPerSecond = bulkCalls / bulk.Elapsed.TotalSeconds;
        Stats.Print($"1 MiB calls, one at a time (n={bulkCalls})", $"{mibPerSecond.ToString("0.0", CultureInfo.InvariantCulture)} MiB/s ({Stats.Ms(bulk.Elapsed.TotalMilliseconds / bulkCalls)} per call)");

        var parallel = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, bulkCalls).Select(_ => client.CallAsync("size", payload)));
        parallel.Stop();
        Stats.Print($"1 MiB calls, all in flight (n={bulkCalls})", $"{(bulkCalls / parallel.Elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)} MiB/s");
    }

    private static async Task<List<double>> TimePairingsAsync(Uri uri, TransportOptions options, int count, Func<IMessageTransport, CancellationToken, Task<SessionKeys>> pair)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var transport = await WebSocketConnector.ConnectAsync(uri, options, TimeSpan.FromSeconds(5), CancellationToken.None);
            var sw = Stopwatch.StartNew();
            var keys = await pair(transport, CancellationToken.None);
            sw.Stop();
            times.Add(sw.Elapsed.TotalMilliseconds);
            await using var peer = new Peer(new SecureChannel(transport, keys));
            await peer.StartAsync(HelloFrame.Client());
        }

        return times;
    }

    private sealed class EchoDispatcher : IRequestDispatcher
    {
        public ValueTask<MsgMap?> InvokeAsync(string method, MsgMap parameters, CancellationToken cancellationToken) =>
            method == "size"
                ? ValueTask.FromResult<MsgMap?>(new MsgMap { ["size"] = (long)((byte[])parameters["data"]!).Length })
                : ValueTask.FromResult<MsgMap?>(parameters);

        public async IAsyncEnumerable<MsgMap> StreamAsync(string method, MsgMap parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.CompletedTask;
            yield break;
        }
    }
}
