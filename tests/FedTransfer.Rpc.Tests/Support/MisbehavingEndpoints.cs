using FedTransfer.Rpc.Tests.Interop;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>Hand-written HTTP/2 endpoints that answer like broken or unusual gRPC servers, for client tests.</summary>
public sealed class MisbehavingEndpoints
{
    public const string Service = "raw.Bad";

    private int _flakyCalls;

    /// <summary>How many attempts reached the flaky endpoint.</summary>
    public int FlakyCalls => Volatile.Read(ref _flakyCalls);

    /// <summary>The flaky endpoint answers 503 this many times before it succeeds.</summary>
    public int FlakyFailures { get; set; } = 2;

    public static Method<EchoRequest, EchoReply> Unary(string name) =>
        new(MethodType.Unary, Service, name, EchoRequest.Parser, EchoReply.Parser);

    public static Method<EchoRequest, EchoReply> Streaming(string name) =>
        new(MethodType.ServerStreaming, Service, name, EchoRequest.Parser, EchoReply.Parser);

    public void Map(WebApplication app)
    {
        app.MapPost($"/{Service}/NoStatus", async http =>
        {
            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(RawHttp2Client.Frame(new EchoReply { Text = "no status follows" }));
        });
        app.MapPost($"/{Service}/Http{{code:int}}", http =>
        {
            http.Response.StatusCode = int.Parse((string)http.Request.RouteValues["code"]!);
            return Task.CompletedTask;
        });
        app.MapPost($"/{Service}/Html", async http =>
        {
            http.Response.ContentType = "text/html";
            await http.Response.WriteAsync("<html>proxy error page</html>");
        });
        app.MapPost($"/{Service}/TrailersOnlyOk", http =>
        {
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = "0";
            return Task.CompletedTask;
        });
        app.MapPost($"/{Service}/TrailersOnlyError", http =>
        {
            http.Response.ContentType = "application/grpc";
            http.Response.Headers["grpc-status"] = "7";
            http.Response.Headers["grpc-message"] = "not%20you";
            return Task.CompletedTask;
        });
        app.MapPost($"/{Service}/Flaky", async http =>
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
            if (Interlocked.Increment(ref _flakyCalls) <= FlakyFailures)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            http.Response.ContentType = "application/grpc";
            await http.Response.Body.WriteAsync(RawHttp2Client.Frame(new EchoReply { Text = "finally" }));
            http.Response.AppendTrailer("grpc-status", "0");
        });
    }
}
