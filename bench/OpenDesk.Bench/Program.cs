using System.Globalization;
using System.Runtime.InteropServices;
using OpenDesk.Bench;

// Usage: OpenDesk.Bench [protocol|sessions|desktop|a11y|mcp|attack|all] [--quick]
// The attack suite runs this executable again in two helper modes of its own.
if (args.FirstOrDefault() == "attack-flood")
{
    return await AttackFlood.MainAsync(args);
}

if (args.FirstOrDefault() == "attack-hold")
{
    return await HeldController.MainAsync(args);
}

var suite = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
var quick = args.Contains("--quick");
Console.WriteLine($"opendesk benchmarks ({Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)})");
if (suite is "protocol" or "all")
{
    await ProtocolBenchmark.RunAsync(handshakes: quick ? 50 : 300, calls: quick ? 2000 : 20000, bulkCalls: quick ? 50 : 300);
}

if (suite is "sessions" or "all")
{
    await SessionBenchmark.RunAsync(cycles: quick ? 100 : 1000);
}

if (suite is "desktop" or "all")
{
    if (!OperatingSystem.IsLinux())
    {
        Console.WriteLine("desktop benchmark skipped: it needs Linux with Xvfb");
    }
    else
    {
        await DesktopBenchmark.RunAsync(quick);
    }
}

if (suite is "a11y" or "all")
{
    if (!OperatingSystem.IsLinux())
    {
        Console.WriteLine("a11y benchmark skipped: it needs Linux with Xvfb and AT-SPI");
    }
    else
    {
        await AccessibilityBenchmark.RunAsync(quick);
    }
}

if (suite is "mcp" or "all")
{
    if (!OperatingSystem.IsLinux())
    {
        Console.WriteLine("mcp benchmark skipped: it needs Linux with Xvfb");
    }
    else
    {
        await McpBenchmark.RunAsync(quick);
    }
}

if (suite is "attack" or "all")
{
    if (!OperatingSystem.IsLinux())
    {
        Console.WriteLine("attack benchmark skipped: it reads serve's memory and descriptors from Linux's /proc");
    }
    else
    {
        // Ctrl-C or SIGTERM ends the suite through its finally blocks, which stop serve and the attackers and
        // delete the temporary homes.
        using var interrupted = new CancellationTokenSource();
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupted.Cancel();
        }

        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        try
        {
            await AttackBenchmark.RunAsync(quick, interrupted.Token);
        }
        catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
        {
            Console.WriteLine("attack benchmark interrupted; serve, the attackers and the temporary homes are cleaned up");
            return 130;
        }
    }
}

return 0;
