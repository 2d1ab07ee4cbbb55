using System.Net;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;

namespace FedTransfer.Rpc.Tests.Server;

/// <summary>Requests rejected before any handler runs: wrong protocol, content type, encoding, timeout, path.</summary>
public sealed class ServerRequestValidatorTests : IAsyncLifetime
{
    private const string EchoPath = "/fedtransfer.interop.TestService/Echo";
    private readonly RawHttp2Client _raw = new();
    private TestServerHost _server = null!;

    public async Task InitializeAsync() => _server = await TestServerHost.StartAsync();

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/plain")]
    [InlineData("application/grpc+json")]
    public async Task NonGrpcContentType_Returns415_AndServerKeepsServing(string contentType)
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { Text = "x" }), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Null(response.GrpcStatus);
        await AssertServerStillServesAsync();
    }

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    public async Task GrpcContentTypes_AreAccepted(string contentType)
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { Text = "x" }), contentType);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(StatusCode.OK, response.GrpcStatus);
    }

    [Fact]
    public async Task UnknownEncoding_IsUnimplementedWithAcceptEncoding_AndServerKeepsServing()
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame([1, 2, 3], flag: 1),
            headers: new Dictionary<string, string> { ["grpc-encoding"] = "snappy" });

        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.True(response.IsTrailersOnly);
        Assert.Contains("snappy", response.GrpcMessage);
        Assert.Contains("gzip", response.Headers["grpc-accept-encoding"]);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task MalformedTimeout_IsInternal()
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest()),
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "123456789S" });

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("grpc-timeout", response.GrpcMessage);
    }

    [Fact]
    public async Task Http11Request_IsRefusedByHttp2OnlyListener_AndServerKeepsServing()
    {
        // The listener speaks HTTP/2 only (prior knowledge): Kestrel answers HTTP/1.1 with 400 before routing.
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest()), version: HttpVersion.Version11);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.GrpcStatus);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Http11Request_OnMixedListener_Gets426FromTheGrpcEndpoint()
    {
        // A host that also serves HTTP/1.1 (not our listener's default) must still keep gRPC on HTTP/2.
        await using var mixed = await TestServerHost.StartAsync(kestrel: k =>
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2));

        var response = await _raw.PostAsync(mixed.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest()), version: HttpVersion.Version11);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.Status);
        Assert.Null(response.GrpcStatus);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task UnknownMethod_IsUnimplementedTrailersOnly()
    {
        var response = await _raw.PostAsync(_server.Address, "/fedtransfer.interop.TestService/Nope", RawHttp2Client.Frame(new EchoRequest()));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.True(response.IsTrailersOnly);
        Assert.Equal(StatusCode.Unimplemented, response.GrpcStatus);
        Assert.Contains("Nope", response.GrpcMessage);
    }

    [Fact]
    public async Task UnknownService_IsUnimplemented_ButNonGrpcRequestToIt_Is404()
    {
        var grpc = await _raw.PostAsync(_server.Address, "/no.Such/Method", RawHttp2Client.Frame(new EchoRequest()));
        var plain = await _raw.PostAsync(_server.Address, "/no.Such/Method", [1, 2, 3], "application/octet-stream");

        Assert.Equal(StatusCode.Unimplemented, grpc.GrpcStatus);
        Assert.Contains("no.Such", grpc.GrpcMessage);
        Assert.Equal(HttpStatusCode.NotFound, plain.Status);
    }

    private async Task AssertServerStillServesAsync()
    {
        using var channel = _server.CreateChannel();
        var reply = await channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "still here" }, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("still here", reply.Text);
    }
}
