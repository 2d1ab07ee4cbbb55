namespace FedTransfer.Rpc;

/// <summary>The four gRPC call kinds.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>Streams in both directions, independent of each other.</summary>
    DuplexStreaming,
}
