using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using OpenDesk.Session;

namespace OpenDesk.Bench;

/// <summary>
/// The attacker of the attack suite, run as its own process (<c>OpenDesk.Bench attack-flood …</c>) so that its
/// threads and garbage never slow the measured controller inside the bench process. Every flood targets
/// 127.0.0.1 only, stops by itself after the given seconds, and closes all it opened before it exits.
/// </summary>
internal static class AttackFlood
{
    /// <summary>Kept below the process's descriptor limit (20,000 here), whatever rate and duration ask for.</summary>
    private const int MaxHeldConnections = 18_000;

    /// <summary>The (d) message: 8 MiB where a handshake message needs about a hundred bytes.</summary>
    private const long OversizeMessageBytes = 8L << 20;

    public static readonly string[] Kinds = ["tcp-idle", "ws-idle", "handshake-stall", "oversize", "unknown-keys"];

    /// <summary>Usage: attack-flood KIND PORT SECONDS RATE CONTROLLER_PUBLIC_KEY_HEX</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        if (args.Length != 6 || !Kinds.Contains(args[1]))
        {
            Console.Error.WriteLine($"usage: attack-flood {string.Join('|', Kinds)} PORT SECONDS RATE CONTROLLER_PUBLIC_KEY_HEX");
            return 2;
        }

        var kind = args[1];
        var port = int.Parse(args[2], CultureInfo.InvariantCulture);
        var seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
        var rate = int.Parse(args[4], CultureInfo.InvariantCulture);
        var controllerKey = Convert.FromHexString(args[5]);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var counters = new Counters();
        var held = new ConcurrentBag<IDisposable>();
        var clock = Stopwatch.StartNew();
        try
        {
            switch (kind)
            {
                case "tcp-idle":
                    await PacedAsync(rate, counters, stop.Token, async ct => held.Add(await RawWebSocket.ConnectTcpAsync(port, ct).ConfigureAwait(false))).ConfigureAwait(false);
                    break;
                case "ws-idle":
                    await PacedAsync(rate, counters, stop.Token, async ct => held.Add(await RawWebSocket.ConnectAsync(port, ct).ConfigureAwait(false))).ConfigureAwait(false);
                    break;
                case "handshake-stall":
                    // The controller's public key is no secret (it is on the wire in every auth_hello); an
                    // auth_hello with it, a random ephemeral and then silence is a handshake stalled midway.
                    await PacedAsync(rate, counters, stop.Token, async ct =>
                    {
                        var ws = await RawWebSocket.ConnectAsync(port, ct).ConfigureAwait(false);
                        held.Add(ws);
                        await ws.SendBinaryAsync(AuthHello(controllerKey), ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                    break;
                case "oversize":
                    // Completed means serve took the whole message; a defended serve cuts the connection first.
                    await WorkersAsync(rate, counters, stop.Token, async ct =>
                    {
                        using var ws = await RawWebSocket.ConnectAsync(port, ct).ConfigureAwait(false);
                        await ws.SendBinaryAsync(OversizeMessageBytes, new byte[64 * 1024], ct).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                    break;
                case "unknown-keys":
                    await WorkersAsync(rate, counters, stop.Token, async ct =>
                    {
                        using var ws = await RawWebSocket.ConnectAsync(port, ct).ConfigureAwait(false);
                        await ws.SendBinaryAsync(AuthHello(RandomNumberGenerator.GetBytes(32)), ct).ConfigureAwait(false);
                        using var reply = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        reply.CancelAfter(TimeSpan.FromSeconds(5));
                        _ = await ws.ReceiveAsync(reply.Token).ConfigureAwait(false) ?? throw new IOException("closed without auth_offer");
                    }).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            var elapsed = clock.Elapsed.TotalSeconds;
            foreach (var connection in held)
            {
                connection.Dispose();
            }

            var done = Interlocked.Read(ref counters.Done);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind}: {done} completed ({done / Math.Max(elapsed, 0.001):0}/s), {counters.Refused} refused or cut off by serve, {counters.TimedOut} timed out, {held.Count} held open at the end{counters.FirstError}"));
        }

        return 0;
    }

    private static byte[] AuthHello(byte[] staticKey) =>
        HandshakeMessage.Encode(HandshakeMessage.AuthHello, ("e", RandomNumberGenerator.GetBytes(32)), ("s", staticKey));

    /// <summary>Starts <paramref name="rate"/> attempts a second (in 10 ms slices), without waiting for earlier ones.</summary>
    private static async Task PacedAsync(int rate, Counters counters, CancellationToken stop, Func<CancellationToken, Task> attempt)
    {
        var pending = new List<Task>();
        var clock = Stopwatch.StartNew();
        var started = 0L;
        while (!stop.IsCancellationRequested && counters.Done + pending.Count < MaxHeldConnections)
        {
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; started < due && pending.Count < 4096; started++)
            {
                pending.Add(Attempt(attempt, counters, stop, TimeSpan.FromSeconds(2)));
            }

            pending.RemoveAll(t => t.IsCompleted);
            try
            {
                await Task.Delay(10, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary><paramref name="workers"/> loops, each repeating its attempt back to back until the flood ends.</summary>
    private static Task WorkersAsync(int workers, Counters counters, CancellationToken stop, Func<CancellationToken, Task> attempt) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Attempt(attempt, counters, stop, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
        })));

    private static async Task Attempt(Func<CancellationToken, Task> attempt, Counters counters, CancellationToken stop, TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(timeout);
        try
        {
            await attempt(deadline.Token).ConfigureAwait(false);
            Interlocked.Increment(ref counters.Done);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The flood ended mid-attempt; that attempt neither succeeded nor was refused.
        }
        catch (OperationCanceledException e)
        {
            Interlocked.Increment(ref counters.TimedOut);
            counters.FirstError ??= $"; first failure: {e.GetType().Name}: {e.Message}";
        }
        catch (Exception e)
        {
            Interlocked.Increment(ref counters.Refused);
            counters.FirstError ??= $"; first failure: {e.GetType().Name}: {e.Message}";
        }
    }

    private sealed class Counters
    {
        public long Done;
        public long Refused;
        public long TimedOut;
        public string? FirstError;
    }
}
