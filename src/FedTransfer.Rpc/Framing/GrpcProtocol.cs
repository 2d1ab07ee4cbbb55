namespace FedTransfer.Rpc.Framing;

/// <summary>Header names and fixed values of the gRPC over HTTP/2 protocol.</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string ContentTypeProto = "application/grpc+proto";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string RetryPushbackHeader = "grpc-retry-pushback-ms";
    public const string TeHeader = "te";
    public const string TeTrailers = "trailers";
    public const string Identity = "identity";
    public const string Gzip = "gzip";

    /// <summary>What we accept, advertised in <c>grpc-accept-encoding</c>.</summary>
    public const string SupportedEncodings = "identity,gzip";

    /// <summary>Structured user agent, as PROTOCOL-HTTP2.md recommends: grpc-LANGUAGE-VARIANT/VERSION.</summary>
    public static readonly string UserAgent =
        "grpc-dotnet-fedtransfer/" + (typeof(GrpcProtocol).Assembly.GetName().Version?.ToString(3) ?? "1.0.0");

    /// <summary>
    /// True for "application/grpc", "application/grpc+proto" and either with parameters (";charset=..."),
    /// the content types that carry protobuf messages. "+json" and other subtypes are not ours.
    /// </summary>
    public static bool IsGrpcProtoContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        if (rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["+proto".Length..];
        }

        return rest.IsEmpty || rest[0] == ';';
    }

    /// <summary>True for any "application/grpc..." content type (the gRPC family, whatever the codec).</summary>
    public static bool IsGrpcFamilyContentType(string? contentType) =>
        contentType is not null && contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a comma-separated <c>grpc-accept-encoding</c> list names <paramref name="encoding"/>.</summary>
    public static bool AcceptsEncoding(string? acceptEncoding, string encoding)
    {
        if (string.IsNullOrEmpty(acceptEncoding))
        {
            return false;
        }

        foreach (var part in acceptEncoding.Split(','))
        {
            if (part.Trim().Equals(encoding, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
