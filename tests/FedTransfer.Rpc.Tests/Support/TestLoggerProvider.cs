using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>Captures log entries so tests can assert what is (and is not) logged as an error.</summary>
public sealed class TestLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(TestLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, eventId, formatter(state, exception), exception));
    }
}
