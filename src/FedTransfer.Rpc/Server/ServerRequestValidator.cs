using System.Globalization;
using FedTransfer.Rpc.Framing;
using Microsoft.AspNetCore.Http;

namespace FedTransfer.Rpc.Server;

/// <summary>
/// Checks what must hold before a handler runs: HTTP/2, a gRPC protobuf content type, a message encoding we can
/// decode and a well-formed timeout. Rejections are answered here, in the form the spec asks for.
/// </summary>
internal static class ServerRequestValidator
{
    /// <summary>Returns false after answering the request when it cannot be served.</summary>
    public static async Task<bool> ValidateAsync(HttpContext http, GrpcServerRuntime runtime)
    {
        var request = http.Request;
        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            ServerLog.RequestRejected(runtime.Logger, request.Path, $"protocol {request.Protocol} is not HTTP/2");
            http.Response.StatusCode = StatusCodes.Status426UpgradeRequired;
            http.Response.Headers.Upgrade = "h2c";
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync("gRPC requires HTTP/2.\n").ConfigureAwait(false);
            return false;
        }

        if (!GrpcProtocol.IsGrpcProtoContentType(request.ContentType))
        {
            ServerLog.RequestRejected(runtime.Logger, request.Path, $"content type '{request.ContentType}' is not application/grpc");
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            http.Response.ContentType = "text/plain";
            await http.Response.WriteAsync(
                $"Content-Type '{request.ContentType}' is not supported; gRPC calls use application/grpc or application/grpc+proto.\n")
                .ConfigureAwait(false);
            return false;
        }

        string? encoding = request.Headers[GrpcProtocol.EncodingHeader];
        if (!MessageCompression.IsSupported(encoding))
        {
            ServerLog.RequestRejected(runtime.Logger, request.Path, $"grpc-encoding '{encoding}' is not supported");
            http.Response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
            WriteTrailersOnly(http, StatusCode.Unimplemented,
                $"Message encoding '{encoding}' is not supported; this server accepts {GrpcProtocol.SupportedEncodings}.");
            return false;
        }

        string? timeout = request.Headers[GrpcProtocol.TimeoutHeader];
        if (timeout is not null && !GrpcTimeout.TryParse(timeout, out _))
        {
            ServerLog.RequestRejected(runtime.Logger, request.Path, $"grpc-timeout '{timeout}' is malformed");
            WriteTrailersOnly(http, StatusCode.Internal,
                $"Malformed grpc-timeout '{timeout}': expected 1-8 digits followed by one of H M S m u n.");
            return false;
        }

        return true;
    }

    /// <summary>
    /// An immediate error: status and message in the response headers, which Kestrel sends with END_STREAM
    /// because no body and no trailers follow.
    /// </summary>
    public static void WriteTrailersOnly(HttpContext http, StatusCode status, string detail)
    {
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)status).ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrEmpty(detail))
        {
            response.Headers[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(detail);
        }
    }
}
