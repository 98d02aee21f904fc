using Microsoft.Extensions.Logging;

namespace OpenDesk.Cli;

/// <summary>Log lines on stderr in the spec's serve format: <c>{time} {LEVEL} {logger}: {message}</c>.</summary>
internal sealed class StderrLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _write = new();

    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>One log line: <c>{time} {LEVEL} {logger}: {message}</c>.</summary>
    internal static string Format(LogLevel level, string category, string message, Exception? exception)
    {
        var line = $"{DateTime.Now:yyyy-MM-dd HH:mm:ss,fff} {LevelName(level)} {category}: {message}";
        return exception is null ? line : line + $" ({exception.GetType().Name}: {exception.Message})";
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = Format(level, category, message, exception);
        lock (_write)
        {
            Console.Error.WriteLine(line);
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARNING",
        LogLevel.Error => "ERROR",
        _ => "CRITICAL",
    };

    private sealed class StderrLogger(StderrLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }

    private readonly LogLevel _minimum = minimum;
}
