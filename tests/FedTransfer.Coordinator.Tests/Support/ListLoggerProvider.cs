using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>Collects formatted log lines of every category, for tests that assert what the coordinator logged.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>Waits briefly for a line containing every fragment (handshake refusals are logged on the server's own time).</summary>
    public async Task<string?> WaitForAsync(params string[] fragments)
    {
        for (var i = 0; i < 100; i++)
        {
            var line = Lines.FirstOrDefault(l => fragments.All(f => l.Contains(f, StringComparison.Ordinal)));
            if (line is not null) return line;
            await Task.Delay(50);
        }
        return null;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
        }
    }
}
