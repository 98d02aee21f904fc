using System.Globalization;
using OpenDesk.Bench;

// Usage: OpenDesk.Bench [protocol|sessions|desktop|a11y|all] [--quick]
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

return 0;
