using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Server;

/// <summary>Server-side log messages. Cancellations and statuses a handler chose are not errors.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw an unexpected exception; the call ends with UNKNOWN")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "gRPC call {Method} was cancelled by the client")]
    public static partial void CancelledByClient(ILogger logger, string method);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline of {Deadline:o}")]
    public static partial void DeadlineExceeded(ILogger logger, string method, DateTime deadline);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "gRPC call {Method} ended with {Status}: {Detail}")]
    public static partial void EndedWithStatus(ILogger logger, string method, StatusCode status, string detail);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Rejected request to {Path}: {Reason}")]
    public static partial void RequestRejected(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Could not send the status of {Method}; the client has gone")]
    public static partial void StatusNotSent(ILogger logger, string method, Exception exception);
}
