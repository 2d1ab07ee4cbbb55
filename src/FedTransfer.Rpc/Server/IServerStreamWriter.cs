namespace FedTransfer.Rpc;

/// <summary>Writes response messages of a server-streaming or duplex call, one at a time.</summary>
/// <typeparam name="T">Response message type.</typeparam>
public interface IServerStreamWriter<in T>
{
    /// <summary>
    /// Sends one message and flushes it to the transport. Do not call again before the previous write completed.
    /// Throws <see cref="OperationCanceledException"/> once the call is cancelled or its deadline expired.
    /// </summary>
    Task WriteAsync(T message, CancellationToken ct = default);
}
