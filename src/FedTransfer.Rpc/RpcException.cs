namespace FedTransfer.Rpc;

/// <summary>
/// A gRPC call that ended with a non-OK status. Handlers throw it to return a status to the caller;
/// the client throws it when a call fails.
/// </summary>
public sealed class RpcException : Exception
{
    /// <summary>Creates an exception carrying <paramref name="status"/> and a human-readable <paramref name="detail"/>.</summary>
    public RpcException(StatusCode status, string detail)
        : this(status, detail, null)
    {
    }

    /// <summary>Creates an exception carrying a status, a detail and the exception that caused it.</summary>
    public RpcException(StatusCode status, string detail, Exception? innerException)
        : base(FormatMessage(status, detail), innerException)
    {
        Status = status;
        Detail = detail ?? string.Empty;
    }

    /// <summary>The gRPC status code.</summary>
    public StatusCode Status { get; }

    /// <summary>The status message (the decoded <c>grpc-message</c>).</summary>
    public string Detail { get; }

    private static string FormatMessage(StatusCode status, string? detail) =>
        string.IsNullOrEmpty(detail) ? $"Status({status})" : $"Status({status}): {detail}";
}
