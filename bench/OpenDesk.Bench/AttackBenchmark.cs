using System.Diagnostics;
using System.Globalization;
using OpenDesk.Server.Admin;
using OpenDesk.Trust;

namespace OpenDesk.Bench;

/// <summary>
/// Whether the real <c>opendesk serve</c> keeps serving its paired controller while unauthenticated clients
/// attack it on 127.0.0.1: controller latency, serve's memory and descriptors, and survival under each flood,
/// survival under a 1024-descriptor limit, and how fast a frozen controller's slot is freed. Prints PASS/FAIL
/// against the targets; every flood is bounded in time and every process and directory is cleaned up.
/// </summary>
internal static class AttackBenchmark
{
    private const double RssGrowthLimitMb = 50;
    private const double SlotFreedLimitSeconds = 10;
    private static readonly TimeSpan SlotWaitLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private static readonly (string Kind, int Rate, string Label)[] Floods =
    [
        ("tcp-idle", 1000, "(a) 1000 idle TCP connections/s"),
        ("ws-idle", 500, "(b) 500 upgraded, silent WebSockets/s"),
        ("handshake-stall", 200, "(c) 200/s auth_hello (controller key), silent"),
        ("oversize", 16, "(d) 8 MiB pre-auth messages, 16 senders"),
        ("unknown-keys", 32, "(e) unknown-key logins, 32 clients"),
    ];

    public static async Task RunAsync(bool quick, CancellationToken cancellationToken)
    {
        var floodTime = TimeSpan.FromSeconds(quick ? 4 : 10);
        var root = Directory.CreateTempSubdirectory("od-bench-attack-").FullName;
        var serverHome = new OpenDeskHome(Path.Combine(root, "server"));
        var clientHome = new OpenDeskHome(Path.Combine(root, "controller"));
        var rows = new List<Row>();
        ServeProcess? serve = null;
        ControllerProbe? controller = null;
        try
        {
            // Paired through the library, exactly what `opendesk pair` + `pair-with` leave on disk.
            var controllerIdentity = Identity.LoadOrCreate(clientHome);
            new TrustStore(serverHome).Add(controllerIdentity.PublicKey, "bench-controller", PeerRole.Controller);
            var serverKey = Identity.LoadOrCreate(serverHome).PublicKeyHex;

            serve = await ServeProcess.StartAsync(serverHome.Path, fileDescriptorLimit: null, cancellationToken);
            controller = new ControllerProbe(Url(serve, serverKey), clientHome.Path);
            await controller.ConnectAsync(cancellationToken);
            Console.WriteLine($"attack: real opendesk serve (pid {serve.Pid}, 127.0.0.1:{serve.Port}), floods of {floodTime.TotalSeconds:0} s, controller calls display.cursor_position every 10 ms");

            var baseline = await controller.MeasureAsync(floodTime, cancellationToken);
            rows.Add(new Row("no flood", baseline, null, null, null, serve.IsAlive, "", null));
            var latencyLimit = 2 * baseline.P99 + 1;

            foreach (var (kind, rate, label) in Floods)
            {
                if (!serve.IsAlive)
                {
                    Console.WriteLine($"serve died; restarting it for the next flood. Its last output:\n{Tail(serve.Output)}");
                    await controller.DisposeAsync();
                    await serve.DisposeAsync();
                    serve = await ServeProcess.StartAsync(serverHome.Path, fileDescriptorLimit: null, cancellationToken);
                    controller = new ControllerProbe(Url(serve, serverKey), clientHome.Path);
                    await controller.ConnectAsync(cancellationToken);
                }

                rows.Add(await FloodAsync(serve, controller, kind, rate, label, floodTime, controllerIdentity.PublicKeyHex, latencyLimit, cancellationToken));
            }

            await controller.DisposeAsync();
            controller = null;
            await serve.DisposeAsync();

            // A fresh serve: the floods above leave 127.0.0.1 penalised for its failed handshakes, as they should.
            serve = await ServeProcess.StartAsync(serverHome.Path, fileDescriptorLimit: null, cancellationToken);
            var slotFreed = await SlotFreedAfterFreezeAsync(serve, serverKey, serverHome, clientHome, cancellationToken);
            await serve.DisposeAsync();
            serve = null;

            // The descriptor limit of a typical service manager, and flood (a) at twice the rate.
            serve = await ServeProcess.StartAsync(serverHome.Path, fileDescriptorLimit: 1024, cancellationToken);
            controller = new ControllerProbe(Url(serve, serverKey), clientHome.Path);
            await controller.ConnectAsync(cancellationToken);
            var limitedBaseline = await controller.MeasureAsync(floodTime, cancellationToken);
            var limited = await FloodAsync(serve, controller, "tcp-idle", 2000, "(a) 2000/s under ulimit -n 1024", floodTime, controllerIdentity.PublicKeyHex, 2 * limitedBaseline.P99 + 1, cancellationToken);
            rows.Add(limited with { Baseline = limitedBaseline });

            Print(rows, latencyLimit, slotFreed);
        }
        finally
        {
            if (controller is not null)
            {
                await controller.DisposeAsync();
            }

            if (serve is not null)
            {
                if (!serve.IsAlive)
                {
                    Console.WriteLine($"serve had exited; its last output:\n{Tail(serve.Output)}");
                }

                await serve.DisposeAsync();
            }

            ChildProcesses.KillAll();
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Url(ServeProcess serve, string serverKey) => $"ws://127.0.0.1:{serve.Port}#{serverKey}";

    private static async Task<Row> FloodAsync(ServeProcess serve, ControllerProbe controller, string kind, int rate, string label, TimeSpan duration,
        string controllerKeyHex, double latencyLimit, CancellationToken cancellationToken)
    {
        var before = serve.Resources();
        using var attacker = StartSelf("attack-flood", kind, serve.Port.ToString(CultureInfo.InvariantCulture),
            duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), rate.ToString(CultureInfo.InvariantCulture), controllerKeyHex);
        var attackerOutput = attacker.StandardOutput.ReadToEndAsync(cancellationToken);
        var attackerErrors = attacker.StandardError.ReadToEndAsync(cancellationToken);
        var latency = await controller.MeasureAsync(duration, cancellationToken);
        var peak = serve.Resources();
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The attacker stops by itself; a wedged one is killed rather than waited for.
            bound.CancelAfter(TimeSpan.FromSeconds(45));
            try
            {
                await attacker.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                attacker.Kill(entireProcessTree: true);
            }
        }

        ChildProcesses.Forget(attacker);
        await Task.Delay(Settle, cancellationToken);
        var after = serve.Resources();
        var summary = (await attackerOutput).Trim();
        if (summary.Length == 0)
        {
            summary = $"attacker printed nothing; stderr: {(await attackerErrors).Trim()}";
        }

        return new Row(label, latency, before, peak, after, serve.IsAlive, summary, latencyLimit);
    }

    /// <summary>
    /// Seconds from SIGSTOP of a controller holding the slot until serve's admin list is empty, or null when it
    /// was not freed within <see cref="SlotWaitLimit"/>; the frozen process is then continued and killed.
    /// </summary>
    private static async Task<SlotResult> SlotFreedAfterFreezeAsync(ServeProcess serve, string serverKey, OpenDeskHome serverHome, OpenDeskHome clientHome, CancellationToken cancellationToken)
    {
        var admin = AdminEndpoint.Of(serverHome);
        await WaitForSessionsAsync(admin, 0, TimeSpan.FromSeconds(15), cancellationToken);
        using var holder = StartSelf("attack-hold", Url(serve, serverKey), clientHome.Path, "180");
        try
        {
            var held = holder.StandardOutput.ReadLineAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(held, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken)) != held || await held != HeldController.HeldLine)
            {
                return new SlotResult(null, "the held controller never connected");
            }

            if (!await WaitForSessionsAsync(admin, 1, TimeSpan.FromSeconds(10), cancellationToken))
            {
                return new SlotResult(null, "serve did not list the held controller's session");
            }

            ChildProcesses.Signal(holder.Id, "STOP");
            var clock = Stopwatch.StartNew();
            var freed = await WaitForSessionsAsync(admin, 0, SlotWaitLimit, cancellationToken);
            return freed ? new SlotResult(clock.Elapsed.TotalSeconds, "") : new SlotResult(null, $"still held after {SlotWaitLimit.TotalSeconds:0} s");
        }
        finally
        {
            ChildProcesses.Signal(holder.Id, "CONT");
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync(CancellationToken.None);
            ChildProcesses.Forget(holder);
        }
    }

    private static async Task<bool> WaitForSessionsAsync(AdminEndpoint admin, int count, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            using var reply = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            reply.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                if ((await AdminClient.ListAsync(admin, reply.Token)).Count == count)
                {
                    return true;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is OpenDeskException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // An admin endpoint busy under load answers on a later poll.
            }

            await Task.Delay(100, cancellationToken);
        }

        return false;
    }

    /// <summary>Starts this bench executable in one of its helper modes, tracked for clean-up.</summary>
    private static Process StartSelf(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(typeof(AttackBenchmark).Assembly.Location);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {args[0]}");
        ChildProcesses.Track(process);
        return process;
    }

    private static void Print(List<Row> rows, double latencyLimit, SlotResult? slot)
    {
        Console.WriteLine();
        Console.WriteLine($"{"flood",-46} {"p50",9} {"p99",9} {"calls",6} {"failed",6} {"RSS MB before/peak/after",26} {"fds before/peak/after",22} {"alive",5}  result");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Label,-46} {Ms(row.Latency.P50),9} {Ms(row.Latency.P99),9} {row.Latency.Calls,6} {row.Latency.Failed,6} {Triple(row.Before?.RssMb, row.Peak?.RssMb, row.After?.RssMb),26} {Triple(row.Before?.FileDescriptors, row.Peak?.FileDescriptors, row.After?.FileDescriptors),22} {(row.Alive ? "yes" : "NO"),5}  {row.Verdict()}"));
            if (row.AttackerSummary.Length > 0)
            {
                Console.WriteLine($"    attacker: {row.AttackerSummary}");
            }

            if (row.Latency.FirstFailure is { } failure)
            {
                Console.WriteLine($"    first failed controller call: {failure}");
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"targets: controller p99 <= 2 x no-flood p99 + 1 ms (= {latencyLimit:0.00} ms; under ulimit from its own no-flood p99 {Ms(rows[^1].Baseline?.P99 ?? double.NaN)}) with no failed call; RSS growth <= {RssGrowthLimitMb:0} MB; serve alive"));
        if (slot is null)
        {
            Console.WriteLine("slot freed after the controller froze (SIGSTOP): not measured, serve was not running      FAIL");
        }
        else
        {
            var pass = slot.Seconds is { } s && s <= SlotFreedLimitSeconds;
            var figure = slot.Seconds is { } seconds ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s") : slot.Note;
            Console.WriteLine($"slot freed after the controller froze (SIGSTOP): {figure} (target <= {SlotFreedLimitSeconds:0} s)      {(pass ? "PASS" : "FAIL")}");
        }
    }

    private static string Tail(string output) =>
        string.Join('\n', output.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(8).Select(line => "    " + line.TrimEnd()));

    private static string Ms(double milliseconds) => double.IsNaN(milliseconds) ? "-" : Stats.Ms(milliseconds);

    private static string Triple<T>(T? before, T? peak, T? after)
        where T : struct, IFormattable =>
        before is null && peak is null && after is null ? "-" : $"{Format(before)}/{Format(peak)}/{Format(after)}";

    private static string Format<T>(T? value)
        where T : struct, IFormattable => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "gone";

    private sealed record SlotResult(double? Seconds, string Note);

    private sealed record Row(string Label, LatencySample Latency, ResourceUse? Before, ResourceUse? Peak, ResourceUse? After, bool Alive, string AttackerSummary, double? LatencyLimit)
    {
        public LatencySample? Baseline { get; init; }

        public string Verdict()
        {
            if (LatencyLimit is not { } limit)
            {
                return "";
            }

            var failures = new List<string>();
            if (Latency.Failed > 0 || !(Latency.P99 <= limit))
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"latency (limit {limit:0.00} ms)"));
            }

            if (!Alive)
            {
                failures.Add("serve died");
            }
            else if (Before is null || After is null || After.RssMb - Before.RssMb > RssGrowthLimitMb)
            {
                failures.Add(Before is null || After is null ? "RSS unknown" : string.Create(CultureInfo.InvariantCulture, $"RSS +{After.RssMb - Before.RssMb:0} MB"));
            }

            return failures.Count == 0 ? "PASS" : "FAIL: " + string.Join(", ", failures);
        }
    }
}
