using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Client;

/// <summary>Client-side log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "gRPC call {Method} failed with {Status} ({Detail}); retry {Attempt} of {MaxAttempts} in {DelayMs} ms")]
    public static partial void RetryScheduled(ILogger logger, string method, StatusCode status, string detail, int attempt, int maxAttempts, long delayMs);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {Status}: {Detail}")]
    public static partial void CallFailed(ILogger logger, string method, StatusCode status, string detail);
}
