using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>Keeps every formatted log line (bounded), so tests can search what the gateway wrote.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private const int MaxLines = 100_000;
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (capture._lines.Count >= MaxLines) return;
            capture._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
