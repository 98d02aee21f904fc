namespace OpenDesk.Transport;

/// <summary>
/// How many more file descriptors this process may open. The .NET runtime aborts the whole process ("Out of
/// memory.") when it cannot open one it needs, e.g. while starting a thread, so nothing a peer asks for may take
/// the last ones: new connections and new commands are refused while fewer than <see cref="Reserve"/> are left.
/// </summary>
public static class DescriptorHeadroom
{
    /// <summary>Descriptors kept free for the runtime and for the work already admitted.</summary>
    public const int Reserve = 64;

    private const long SampleIntervalMs = 200;

    private static readonly Lock Gate = new();
    private static bool _sampled;
    private static long _sampledAt;
    private static long? _free;

    /// <summary>Descriptors still free (Linux), or null when that cannot be told; sampled at most every 200 ms.</summary>
    public static long? Free
    {
        get
        {
            lock (Gate)
            {
                var now = Environment.TickCount64;
                if (!_sampled || now - _sampledAt >= SampleIntervalMs)
                {
                    _free = Measure();
                    _sampledAt = now;
                    _sampled = true;
                }

                return _free;
            }
        }
    }

    /// <summary>Whether fewer than <see cref="Reserve"/> descriptors are left.</summary>
    public static bool IsLow => Free is { } free && free < Reserve;

    /// <summary>Descriptors this process may still open, counted now (Linux); null when that cannot be told.</summary>
    public static long? Measure()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
            if (soft is null || !long.TryParse(soft, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit))
            {
                return null;
            }

            return limit - Directory.GetFiles("/proc/self/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
