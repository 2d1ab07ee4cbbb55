using Grpc.Core;

namespace FedTransfer.Contracts;

/// <summary>Runs a generated client-streaming call from a sequence of messages (the shape every sender here has).</summary>
public static class ClientStreaming
{
    /// <summary>
    /// Writes every message of <paramref name="messages"/>, completes the request stream and answers the response. The
    /// call is disposed in every case, so a failure half-way cancels it on the wire too.
    /// </summary>
    public static async Task<TResponse> SendAsync<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call,
        IAsyncEnumerable<TRequest> messages, CancellationToken cancellationToken = default)
    {
        using (call)
        {
            try
            {
                await foreach (var message in messages.WithCancellation(cancellationToken).ConfigureAwait(false))
                    await call.RequestStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            }
            catch (RpcException)
            {
                // The server ended the call early (a refusal while the client was still writing): its status says why.
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (call.ResponseAsync.IsCompleted)
            {
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            return await call.ResponseAsync.ConfigureAwait(false);
        }
    }
}
