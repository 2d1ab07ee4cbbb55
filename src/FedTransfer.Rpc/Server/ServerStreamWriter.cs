using Google.Protobuf;

namespace FedTransfer.Rpc.Server;

/// <summary>The handler's view of the response stream.</summary>
internal sealed class ServerStreamWriter<T> : IServerStreamWriter<T>
    where T : IMessage<T>
{
    private readonly ServerCall _call;

    public ServerStreamWriter(ServerCall call) => _call = call;

    public Task WriteAsync(T message, CancellationToken ct = default) => _call.WriteResponseAsync(message, ct);
}
