using System.Diagnostics;

namespace OpenDesk.Trust;

/// <summary>
/// An exclusive, cross-process lock held as an open lock file. On Unix .NET backs <see cref="FileShare.None"/>
/// with an advisory <c>flock</c>, which conflicts between processes and between separate opens in one
/// process alike, and the kernel releases it if the holder dies. The lock file itself is never deleted:
/// unlinking it while another process waits on the old inode would let two holders in at once.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(10);

    private readonly FileStream _stream;

    private FileLock(FileStream stream) => _stream = stream;

    /// <exception cref="TimeoutException">Another holder kept the lock for longer than <paramref name="timeout"/>.</exception>
    public static FileLock Acquire(string path, TimeSpan timeout)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.OwnerOnly;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, options));
            }
            // A file that cannot even be created (a missing directory, a file system like /proc) is no contention.
            catch (IOException e) when (e is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException))
            {
                // A sharing violation: someone else holds it. The error code for that differs per OS, so every
                // other IOException is retried too, and the last one is reported if the wait runs out.
                if (clock.Elapsed >= timeout)
                {
                    throw new TimeoutException($"gave up after {timeout.TotalSeconds:0.#}s waiting for the lock {path}: {e.Message}", e);
                }

                // Writers hold it for milliseconds, so polling is cheaper than anything smarter.
                Thread.Sleep(RetryDelay);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
