namespace FedTransfer.Rpc;

/// <summary>Server-wide settings of the gRPC layer, configured by <see cref="GrpcServiceCollectionExtensions.AddGrpcLayer"/>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>The default receive limit, 4 MiB, as in other gRPC implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// Largest request message accepted, in bytes, after decompression. Larger messages end the call with
    /// RESOURCE_EXHAUSTED.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message a handler may send, in bytes; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Compression applied to response messages when the client accepts it: null (none) or "gzip".
    /// </summary>
    public string? ResponseCompression { get; set; }

    /// <summary>
    /// When true, the message of an unexpected handler exception is sent to the client (UNKNOWN status);
    /// otherwise the client sees a generic message. Keep false where clients are not trusted.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }
}
