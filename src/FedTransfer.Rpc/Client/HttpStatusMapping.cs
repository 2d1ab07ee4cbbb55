using System.Net;
using System.Net.Http;

namespace FedTransfer.Rpc.Client;

/// <summary>
/// Synthesises gRPC statuses for failures that carry none: non-200 HTTP responses (the table of
/// http-grpc-status-mapping.md), HTTP/2 stream resets (PROTOCOL-HTTP2.md) and transport errors.
/// </summary>
internal static class HttpStatusMapping
{
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>RST_STREAM / GOAWAY error codes to statuses.</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable,       // REFUSED_STREAM: nothing was processed
        0x8 => StatusCode.Cancelled,         // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    /// <summary>Turns a transport exception into an <see cref="RpcException"/>; connection failures are UNAVAILABLE.</summary>
    public static RpcException FromTransportException(Exception ex, string target)
    {
        // A reset before the response headers arrives wrapped in an HttpRequestException.
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException)
            {
                ex = inner;
                break;
            }
        }

        switch (ex)
        {
            case HttpProtocolException protocol:
                return new RpcException(FromHttp2ErrorCode(protocol.ErrorCode),
                    $"The HTTP/2 stream to {target} was reset (error code 0x{protocol.ErrorCode:x}): {protocol.Message}", ex);
            case HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } request:
                return new RpcException(StatusCode.Unavailable, $"TLS handshake with {target} failed: {Innermost(request)}", ex);
            case HttpRequestException request:
                return new RpcException(StatusCode.Unavailable, $"Connection to {target} failed: {Innermost(request)}", ex);
            case HttpIOException io:
                return new RpcException(StatusCode.Unavailable, $"Connection to {target} broke during the call: {Innermost(io)}", ex);
            case IOException io:
                return new RpcException(StatusCode.Unavailable, $"Connection to {target} broke during the call: {Innermost(io)}", ex);
            default:
                return new RpcException(StatusCode.Internal, $"Unexpected client failure calling {target}: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static string Innermost(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" -> ", messages.Distinct());
    }
}
