using OpenDesk.Transport;
namespace OpenDesk.Server.Transport;

/// <summary>
/// What a listener allows strangers: connections that have not authenticated yet are capped in total and per
/// source address, with random early drop between <see cref="StartupsBegin"/> and <see cref="StartupsFull"/> (as
/// OpenSSH's <c>MaxStartups 10:30:100</c>), and a source whose handshakes keep failing is refused for a growing
/// time (as OpenSSH's <c>PerSourcePenalties</c> and TigerVNC's blacklist). An authenticated connection no longer
/// counts, so a flood of strangers never touches the active controller.
/// </summary>
public sealed class ConnectionLimits
{
    /// <summary>Unauthenticated connections from which new ones start being dropped at random.</summary>
    public int StartupsBegin { get; init; } = 10;

    /// <summary>Percentage of new connections dropped at <see cref="StartupsBegin"/>, rising linearly to 100.</summary>
    public int StartupsRate { get; init; } = 30;

    /// <summary>Unauthenticated connections at which every new one is dropped.</summary>
    public int StartupsFull { get; init; } = 100;

    /// <summary>Unauthenticated connections one source address may hold at once.</summary>
    public int PerSource { get; init; } = 10;

    /// <summary>Time a new TCP connection has to complete its WebSocket upgrade.</summary>
    public TimeSpan UpgradeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed handshakes a source may make (typos, a restarted controller) before it is penalised.</summary>
    public int FreeFailures { get; init; } = 5;

    /// <summary>The first penalty; each further failure doubles it, up to <see cref="MaxPenalty"/>.</summary>
    public TimeSpan BasePenalty { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxPenalty { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A source without a failure for this long starts again with a clean record.</summary>
    public TimeSpan ForgetFailuresAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>No limits: for tests and in-process uses that open many connections on purpose.</summary>
    public static ConnectionLimits Unlimited { get; } = new()
    {
        StartupsBegin = int.MaxValue,
        StartupsFull = int.MaxValue,
        PerSource = int.MaxValue,
        FreeFailures = int.MaxValue,
    };

    /// <summary>
    /// These limits, with the caps on unauthenticated connections lowered so that half of the file descriptors
    /// still free stay for everything else (files, commands, the X server). A process started with a low
    /// <c>ulimit -n</c> would otherwise let strangers take the last descriptors and starve the active session.
    /// </summary>
    /// <param name="freeDescriptors">Descriptors the process may still open; null when unknown.</param>
    internal ConnectionLimits FitTo(long? freeDescriptors)
    {
        // The runtime keeps two descriptors per loaded assembly and loads more as features are first used.
        const int Reserve = 128;
        const int Floor = 4;
        if (freeDescriptors is not { } free)
        {
            return this;
        }

        var full = (int)Math.Clamp((free - Reserve) / 2, Floor, StartupsFull);
        if (full == StartupsFull)
        {
            return this;
        }

        return new ConnectionLimits
        {
            StartupsBegin = Math.Min(StartupsBegin, full),
            StartupsRate = StartupsRate,
            StartupsFull = full,
            PerSource = Math.Min(PerSource, full),
            UpgradeTimeout = UpgradeTimeout,
            FreeFailures = FreeFailures,
            BasePenalty = BasePenalty,
            MaxPenalty = MaxPenalty,
            ForgetFailuresAfter = ForgetFailuresAfter,
        };
    }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(StartupsBegin, nameof(StartupsBegin));
        ArgumentOutOfRangeException.ThrowIfLessThan(StartupsFull, StartupsBegin, nameof(StartupsFull));
        ArgumentOutOfRangeException.ThrowIfNegative(StartupsRate, nameof(StartupsRate));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(StartupsRate, 100, nameof(StartupsRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PerSource, nameof(PerSource));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UpgradeTimeout, TimeSpan.Zero, nameof(UpgradeTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(FreeFailures, nameof(FreeFailures));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPenalty, BasePenalty, nameof(MaxPenalty));
    }
}
