namespace OpenDesk.Bench;

/// <summary>The controller's call latencies in one phase, and the calls that failed.</summary>
internal sealed class LatencySample
{
    private readonly List<double> _milliseconds = [];

    public int Calls => _milliseconds.Count + Failed;

    public int Failed { get; private set; }

    public string? FirstFailure { get; private set; }

    public double P50 => _milliseconds.Count == 0 ? double.NaN : Stats.Percentile(_milliseconds, 50);

    public double P90 => _milliseconds.Count == 0 ? double.NaN : Stats.Percentile(_milliseconds, 90);

    public double P99 => _milliseconds.Count == 0 ? double.NaN : Stats.Percentile(_milliseconds, 99);

    public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

    public void Fail(Exception e)
    {
        Failed++;
        FirstFailure ??= $"{e.GetType().Name}: {e.Message}";
    }
}
