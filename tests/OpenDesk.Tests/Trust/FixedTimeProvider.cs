namespace OpenDesk.Tests.Trust;

/// <summary>A clock standing at a given epoch time, so <c>paired_at</c> values are predictable.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    public FixedTimeProvider(double epochSeconds) => Now = epochSeconds;

    public double Now { get; set; }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Round(Now * 1000));
}
