using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace FedTransfer.Rpc.Server;

/// <summary>One bound method: the endpoint's request delegate target.</summary>
internal interface IServerMethodBinding
{
    string Path { get; }

    Task HandleAsync(HttpContext http, GrpcServerRuntime runtime);
}

/// <summary>Binds a method descriptor to the kind-specific body that reads, invokes and writes.</summary>
internal sealed class ServerMethodBinding<TRequest, TResponse> : IServerMethodBinding
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly Func<ServerCall, ServerCallContext, Task> _body;

    public ServerMethodBinding(Method<TRequest, TResponse> method, Func<ServerCall, ServerCallContext, Task> body)
    {
        Path = method.FullName;
        _body = body;
    }

    public string Path { get; }

    public Task HandleAsync(HttpContext http, GrpcServerRuntime runtime) => ServerCall.RunAsync(http, runtime, Path, _body);
}
