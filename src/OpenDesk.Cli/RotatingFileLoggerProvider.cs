using System.Text;
using Microsoft.Extensions.Logging;

namespace OpenDesk.Cli;

/// <summary>
/// <c>serve --log-file PATH</c>: the stderr log lines also go to a file that rotates by size
/// (PATH → PATH.1 … PATH.N), so a long-running daemon never fills the disk with its log.
/// </summary>
internal sealed class RotatingFileLoggerProvider : ILoggerProvider
{
    public const long DefaultMaxBytes = 10 * 1024 * 1024;
    public const int DefaultBackups = 5;

    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _backups;
    private readonly LogLevel _minimum;
    private readonly Lock _gate = new();
    private FileStream? _stream;

    public RotatingFileLoggerProvider(string path, LogLevel minimum, long maxBytes = DefaultMaxBytes, int backups = DefaultBackups)
    {
        _path = Path.GetFullPath(path);
        _minimum = minimum;
        _maxBytes = maxBytes;
        _backups = backups;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = Open();
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private FileStream Open()
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(_path, options);
    }

    private void Write(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (_gate)
        {
            if (_stream is null)
            {
                return;
            }

            try
            {
                if (_stream.Length + bytes.Length > _maxBytes && _stream.Length > 0)
                {
                    Rotate();
                }

                _stream.Write(bytes);
                _stream.Flush();
            }
            catch (IOException ex)
            {
                // The log must never take the daemon down; stderr still has every line.
                Console.Error.WriteLine($"WARNING: cannot write log file {_path}: {ex.Message}");
            }
        }
    }

    private void Rotate()
    {
        _stream!.Dispose();
        for (var i = _backups - 1; i >= 1; i--)
        {
            var from = $"{_path}.{i}";
            if (File.Exists(from))
            {
                File.Move(from, $"{_path}.{i + 1}", overwrite: true);
            }
        }

        if (_backups > 0)
        {
            File.Move(_path, $"{_path}.1", overwrite: true);
        }
        else
        {
            File.Delete(_path);
        }

        _stream = Open();
    }

    private sealed class FileLogger(RotatingFileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(StderrLoggerProvider.Format(logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
