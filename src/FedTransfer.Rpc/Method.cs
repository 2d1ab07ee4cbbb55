using Google.Protobuf;

namespace FedTransfer.Rpc;

/// <summary>
/// Describes one RPC method: its kind, the service it belongs to and how to parse its messages.
/// The HTTP/2 <c>:path</c> of a call is <see cref="FullName"/>.
/// </summary>
/// <typeparam name="TRequest">Request message type.</typeparam>
/// <typeparam name="TResponse">Response message type.</typeparam>
public sealed class Method<TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    /// <summary>Creates a method descriptor.</summary>
    /// <param name="type">The call kind.</param>
    /// <param name="serviceName">Fully qualified service name, e.g. <c>fedtransfer.v1.Federation</c>.</param>
    /// <param name="name">Method name, e.g. <c>Join</c>.</param>
    /// <param name="requestParser">Parser for request messages.</param>
    /// <param name="responseParser">Parser for response messages.</param>
    public Method(MethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
    {
        ValidateSegment(serviceName, nameof(serviceName));
        ValidateSegment(name, nameof(name));
        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestParser = requestParser ?? throw new ArgumentNullException(nameof(requestParser));
        ResponseParser = responseParser ?? throw new ArgumentNullException(nameof(responseParser));
        FullName = "/" + serviceName + "/" + name;
    }

    /// <summary>The call kind.</summary>
    public MethodType Type { get; }

    /// <summary>Fully qualified service name.</summary>
    public string ServiceName { get; }

    /// <summary>Method name within the service.</summary>
    public string Name { get; }

    /// <summary>The request path: <c>/service/method</c>.</summary>
    public string FullName { get; }

    /// <summary>Parser for request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parser for response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{FullName} ({Type})";

    private static void ValidateSegment(string value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("A gRPC service or method name must not be empty.", paramName);
        }

        if (value.Contains('/') || value.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{value}' is not a valid gRPC service or method name: it must not contain '/' or whitespace.", paramName);
        }
    }
}
