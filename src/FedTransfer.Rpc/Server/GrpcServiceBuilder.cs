using FedTransfer.Rpc.Server;
using Google.Protobuf;

namespace FedTransfer.Rpc;

/// <summary>
/// Collects the handlers of one service for <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService"/>.
/// Each method is bound once; the descriptor's service name must match the service being mapped.
/// </summary>
public sealed class GrpcServiceBuilder
{
    private readonly Dictionary<string, IServerMethodBinding> _bindings = new(StringComparer.Ordinal);

    internal GrpcServiceBuilder(string serviceName)
    {
        ServiceName = serviceName;
    }

    /// <summary>The fully qualified name of the service being mapped.</summary>
    public string ServiceName { get; }

    internal IReadOnlyCollection<IServerMethodBinding> Bindings => _bindings.Values;

    /// <summary>Binds a unary method.</summary>
    public GrpcServiceBuilder Unary<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TRequest, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, MethodType.Unary, new ServerMethodBinding<TRequest, TResponse>(method, async (call, ctx) =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
            var response = await handler(request, ctx).ConfigureAwait(false);
            await call.WriteResponseAsync(response, CancellationToken.None).ConfigureAwait(false);
        }));
    }

    /// <summary>Binds a server-streaming method.</summary>
    public GrpcServiceBuilder ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<TRequest, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, MethodType.ServerStreaming, new ServerMethodBinding<TRequest, TResponse>(method, async (call, ctx) =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
            await handler(request, new ServerStreamWriter<TResponse>(call), ctx).ConfigureAwait(false);
        }));
    }

    /// <summary>Binds a client-streaming method.</summary>
    public GrpcServiceBuilder ClientStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method, Func<IAsyncEnumerable<TRequest>, ServerCallContext, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, MethodType.ClientStreaming, new ServerMethodBinding<TRequest, TResponse>(method, async (call, ctx) =>
        {
            var response = await handler(new RequestStream<TRequest>(call, method.RequestParser), ctx).ConfigureAwait(false);
            await call.WriteResponseAsync(response, CancellationToken.None).ConfigureAwait(false);
        }));
    }

    /// <summary>Binds a duplex (bidirectional streaming) method.</summary>
    public GrpcServiceBuilder Duplex<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<IAsyncEnumerable<TRequest>, IServerStreamWriter<TResponse>, ServerCallContext, Task> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, MethodType.DuplexStreaming, new ServerMethodBinding<TRequest, TResponse>(method, (call, ctx) =>
            handler(new RequestStream<TRequest>(call, method.RequestParser), new ServerStreamWriter<TResponse>(call), ctx)));
    }

    private GrpcServiceBuilder Add<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, IServerMethodBinding binding)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.ServiceName != ServiceName)
        {
            throw new ArgumentException(
                $"Method {method.FullName} belongs to service '{method.ServiceName}', not to '{ServiceName}' being mapped.", nameof(method));
        }

        if (method.Type != expected)
        {
            throw new ArgumentException(
                $"Method {method.FullName} is declared {method.Type} but was bound as {expected}; use the matching builder method.", nameof(method));
        }

        if (!_bindings.TryAdd(method.Name, binding))
        {
            throw new ArgumentException($"Method {method.FullName} is bound twice.", nameof(method));
        }

        return this;
    }
}
