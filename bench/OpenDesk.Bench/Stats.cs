using System.Globalization;

namespace OpenDesk.Bench;

/// <summary>Percentiles over measured durations, printed in milliseconds.</summary>
internal static class Stats
{
    public static double Percentile(List<double> samples, double p)
    {
        var sorted = samples.Order().ToList();
        var index = (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    public static string Ms(double milliseconds) => milliseconds.ToString(milliseconds < 1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + " ms";

    public static void Print(string label, string value) => Console.WriteLine($"{label,-44} {value}");
}
