using System.Net;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;

namespace FedTransfer.Rpc.Tests.Client;

/// <summary>How the client reads statuses: trailers, Trailers-Only, broken servers, deadlines and cancellation.</summary>
public sealed class ClientCallTests : IAsyncLifetime
{
    private readonly MisbehavingEndpoints _bad = new();
    private TestServerHost _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServerHost.StartAsync(map: _bad.Map);
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task MissingGrpcStatus_IsAnError()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(MisbehavingEndpoints.Unary("NoStatus"), new EchoRequest()));

        Assert.Equal(StatusCode.Internal, ex.Status);
        Assert.Contains("without a grpc-status", ex.Detail);
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public async Task NonOkHttpStatus_MapsPerSpecTable(int httpStatus, StatusCode expected)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(MisbehavingEndpoints.Unary($"Http{httpStatus}"), new EchoRequest()));

        Assert.Equal(expected, ex.Status);
        Assert.Contains(httpStatus.ToString(), ex.Detail);
    }

    [Fact]
    public async Task NonGrpcContentType_IsUnknown()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(MisbehavingEndpoints.Unary("Html"), new EchoRequest()));

        Assert.Equal(StatusCode.Unknown, ex.Status);
        Assert.Contains("text/html", ex.Detail);
    }

    [Fact]
    public async Task TrailersOnlyOk_OnServerStream_IsAnEmptyStream()
    {
        var items = await ToListAsync(_channel.ServerStreaming(MisbehavingEndpoints.Streaming("TrailersOnlyOk"), new EchoRequest()));

        Assert.Empty(items);
    }

    [Fact]
    public async Task TrailersOnlyOk_OnUnary_IsInternalForMissingResponse()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(MisbehavingEndpoints.Unary("TrailersOnlyOk"), new EchoRequest()));

        Assert.Equal(StatusCode.Internal, ex.Status);
    }

    [Fact]
    public async Task TrailersOnlyError_StatusComesFromHeaders()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(MisbehavingEndpoints.Unary("TrailersOnlyError"), new EchoRequest()));

        Assert.Equal(StatusCode.PermissionDenied, ex.Status);
        Assert.Equal("not you", ex.Detail);
    }

    [Fact]
    public async Task Deadline_OnOurServer_FailsOnTimeAndCancelsHandler()
    {
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo,
            new EchoRequest { DelayMs = 10_000 }, new CallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(1000) }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.Status);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(950), TimeSpan.FromSeconds(5));
        await _server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DeadlineAlreadyPast_FailsWithoutCalling()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo,
            new EchoRequest(), new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(-1) }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.Status);
        Assert.Null(_server.Service.LastContext);
    }

    [Fact]
    public async Task EarlierOfDeadlineAndTimeout_Wins()
    {
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo, new EchoRequest { DelayMs = 10_000 },
            new CallOptions { Deadline = DateTime.UtcNow.AddSeconds(30), Timeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.Status);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Cancellation_MidCall_IsCancelledAndReachesHandler()
    {
        using var cts = new CancellationTokenSource();
        var call = _channel.UnaryAsync(TestService.Echo, new EchoRequest { DelayMs = 10_000 }, new CallOptions { CancellationToken = cts.Token });
        await _server.Service.DelayStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        cts.Cancel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, ex.Status);
        Assert.Equal("/fedtransfer.interop.TestService/Echo", await _server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task RequestStreamThatThrows_FailsTheCallWithTheCause()
    {
        static async IAsyncEnumerable<Chunk> Broken()
        {
            yield return new Chunk { Offset = 0 };
            await Task.Yield();
            throw new FileNotFoundException("artifact.bin vanished");
        }

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.ClientStreamingAsync(TestService.Upload, Broken(), new CallOptions { Timeout = TimeSpan.FromSeconds(10) }));

        Assert.Equal(StatusCode.Cancelled, ex.Status);
        Assert.Contains("artifact.bin vanished", ex.Detail);
        Assert.IsType<FileNotFoundException>(ex.InnerException);
    }

    [Fact]
    public async Task RequestMessageOverMaxSend_IsResourceExhaustedBeforeSending()
    {
        using var channel = GrpcChannel.Create(_server.Address, new GrpcChannelOptions { MaxSendMessageSize = 100 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = new string('x', 200) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.Status);
        Assert.Null(_server.Service.LastContext);
    }

    [Fact]
    public async Task ResponseOverMaxReceive_IsResourceExhausted()
    {
        using var channel = GrpcChannel.Create(_server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1000 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = new string('x', 2000) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.Status);
    }

    [Fact]
    public async Task ReservedOrInvalidMetadata_IsRejectedWithClearMessage()
    {
        var reserved = new CallOptions { Headers = new Dictionary<string, string> { ["grpc-status"] = "0" } };
        var nonAscii = new CallOptions { Headers = new Dictionary<string, string> { ["x-name"] = "héllo" } };

        var ex1 = await Assert.ThrowsAsync<ArgumentException>(() => _channel.UnaryAsync(TestService.Echo, new EchoRequest(), reserved));
        var ex2 = await Assert.ThrowsAsync<ArgumentException>(() => _channel.UnaryAsync(TestService.Echo, new EchoRequest(), nonAscii));

        Assert.Contains("reserved", ex1.Message);
        Assert.Contains("-bin", ex2.Message);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
