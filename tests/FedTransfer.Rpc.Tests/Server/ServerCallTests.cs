using System.Net;
using System.Net.Http.Headers;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Tests.Server;

/// <summary>A call's life on the server: framing errors, limits, deadlines, cancellation, handler failures, logging.</summary>
public sealed class ServerCallTests : IAsyncLifetime
{
    private const string EchoPath = "/fedtransfer.interop.TestService/Echo";
    private const string UploadPath = "/fedtransfer.interop.TestService/Upload";
    private readonly RawHttp2Client _raw = new();
    private TestServerHost _server = null!;

    public async Task InitializeAsync() => _server = await TestServerHost.StartAsync();

    public async Task DisposeAsync()
    {
        _raw.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task TruncatedFrame_IsInternal_AndServerKeepsServing()
    {
        var body = RawHttp2Client.Frame(new byte[10], declaredLength: 100);

        var response = await _raw.PostAsync(_server.Address, EchoPath, body);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("incomplete frame", response.GrpcMessage);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task LengthPrefixOverLimit_IsResourceExhausted_WithoutWaitingForThePayload()
    {
        // Declares 5 MiB (default limit 4 MiB) but sends only the header: the answer must come from the prefix alone.
        var body = RawHttp2Client.Frame([], declaredLength: 5 * 1024 * 1024);

        var response = await _raw.PostAsync(_server.Address, UploadPath, body);

        Assert.Equal(StatusCode.ResourceExhausted, response.GrpcStatus);
        Assert.Contains("4194304", response.GrpcMessage);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task GarbagePayload_IsInvalidArgument_AndServerKeepsServing()
    {
        // 0xFF... is a varint that never ends: not a protobuf message.
        var body = RawHttp2Client.Frame(Enumerable.Repeat((byte)0xFF, 16).ToArray());

        var response = await _raw.PostAsync(_server.Address, EchoPath, body);

        Assert.Equal(StatusCode.InvalidArgument, response.GrpcStatus);
        Assert.Contains("EchoRequest", response.GrpcMessage);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task RandomGarbageBodies_EachGetAnErrorStatus_AndServerKeepsServing()
    {
        var random = new Random(1234);
        for (var i = 0; i < 20; i++)
        {
            var body = new byte[random.Next(1, 200)];
            random.NextBytes(body);

            var response = await _raw.PostAsync(_server.Address, EchoPath, body);

            Assert.Equal(HttpStatusCode.OK, response.Status);
            Assert.Contains(response.GrpcStatus, new StatusCode?[] { StatusCode.Internal, StatusCode.ResourceExhausted, StatusCode.InvalidArgument });
        }

        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task InvalidCompressedFlag_IsInternal()
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { Text = "x" }.ToByteArray(), flag: 7));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("compressed flag", response.GrpcMessage);
    }

    [Fact]
    public async Task CompressedFrameWithoutEncodingHeader_IsInternal()
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { Text = "x" }.ToByteArray(), flag: 1));

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("grpc-encoding", response.GrpcMessage);
    }

    [Fact]
    public async Task UnaryWithTwoMessages_IsInternal()
    {
        var one = RawHttp2Client.Frame(new EchoRequest { Text = "a" });

        var response = await _raw.PostAsync(_server.Address, EchoPath, [.. one, .. one]);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
        Assert.Contains("more", response.GrpcMessage);
    }

    [Fact]
    public async Task UnaryWithoutMessage_IsInternal()
    {
        var response = await _raw.PostAsync(_server.Address, EchoPath, []);

        Assert.Equal(StatusCode.Internal, response.GrpcStatus);
    }

    [Fact]
    public async Task OversizedMessageFromClient_IsResourceExhausted()
    {
        using var channel = _server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.ClientStreamingAsync(TestService.Upload,
            One(new Chunk { Data = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) }), new CallOptions { Timeout = TimeSpan.FromSeconds(20) }));

        Assert.Equal(StatusCode.ResourceExhausted, ex.Status);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task GrpcTimeout_ExpiresOnServer_DeadlineExceededAndHandlerCancelled()
    {
        var started = DateTime.UtcNow;

        // No client-side timer here: the DEADLINE_EXCEEDED comes from the server's own deadline handling.
        var response = await _raw.PostAsync(_server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { DelayMs = 10_000 }),
            headers: new Dictionary<string, string> { ["grpc-timeout"] = "200m" });

        Assert.Equal(StatusCode.DeadlineExceeded, response.GrpcStatus);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(5));
        Assert.Equal(EchoPath, await _server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Deadline_IsVisibleToHandler()
    {
        using var channel = _server.CreateChannel();
        var before = DateTime.UtcNow;

        await channel.UnaryAsync(TestService.Echo, new EchoRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(30) });

        var deadline = _server.Service.LastContext!.Deadline;
        Assert.NotNull(deadline);
        Assert.InRange(deadline.Value, before.AddSeconds(25), before.AddSeconds(35));
    }

    [Fact]
    public async Task HandlerException_IsUnknownAndLoggedAsError()
    {
        using var channel = _server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "throw" }));

        Assert.Equal(StatusCode.Unknown, ex.Status);
        Assert.DoesNotContain("handler bug", ex.Detail);
        var logged = Assert.Single(_server.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(1, logged.Id.Id);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task HandlerException_WithDetailedErrors_CarriesTheMessage()
    {
        await using var server = await TestServerHost.StartAsync(o => o.EnableDetailedErrors = true);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "throw" }));

        Assert.Equal(StatusCode.Unknown, ex.Status);
        Assert.Contains("handler bug for the test", ex.Detail);
    }

    [Fact]
    public async Task RpcExceptionAfterMessages_StatusArrivesInTrailers()
    {
        using var channel = _server.CreateChannel();
        var received = new List<string>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in channel.Duplex(TestService.Chat, Many(new EchoRequest { Text = "a" },
                new EchoRequest { FailCode = (int)StatusCode.AlreadyExists, FailMessage = "déjà vu" })))
            {
                received.Add(reply.Text);
            }
        });

        Assert.Equal(["a"], received);
        Assert.Equal(StatusCode.AlreadyExists, ex.Status);
        Assert.Equal("déjà vu", ex.Detail);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ClientVanishingMidStream_CancelsHandler_NotLoggedAsError_AndServerKeepsServing()
    {
        // A real upload that stops after one and a half frames, then the client resets the stream.
        var content = new StalledContent([.. RawHttp2Client.Frame(new Chunk { Offset = 0, Data = ByteString.CopyFrom(new byte[1000]) }),
            .. RawHttp2Client.Frame(new byte[100], declaredLength: 5000).AsSpan(0, 50)]);
        using var cts = new CancellationTokenSource();
        var call = _raw.SendAsync(_server.Address, UploadPath, content, null, HttpVersion.Version20, cts.Token);
        await content.Sent.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);

        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(UploadPath, await _server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.IsAssignableFrom<OperationCanceledException>(_server.Service.CancellationException);
        await AssertServerStillServesAsync();
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ClientStoppingServerStreamEarly_CancelsHandler()
    {
        using var channel = _server.CreateChannel();

        await foreach (var chunk in channel.ServerStreaming(TestService.Download, new ArtifactRequest { Size = 100 * 1024, ChunkSize = 1024, Seed = "s", PauseMs = 20 }))
        {
            break;
        }

        Assert.Equal("/fedtransfer.interop.TestService/Download", await _server.Service.CancellationObserved.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task GzipResponses_WhenEnabledAndAccepted_AreDecodedByClient()
    {
        await using var server = await TestServerHost.StartAsync(o => o.ResponseCompression = "gzip");
        using var channel = server.CreateChannel();
        var text = new string('q', 50_000);

        var reply = await channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = text });
        var raw = await _raw.PostAsync(server.Address, EchoPath, RawHttp2Client.Frame(new EchoRequest { Text = text }),
            headers: new Dictionary<string, string> { ["grpc-accept-encoding"] = "identity,gzip" });

        Assert.Equal(text, reply.Text);
        Assert.Equal("gzip", raw.Headers["grpc-encoding"]);
        Assert.Equal(1, raw.Body[0]);
        Assert.True(raw.Body.Length < 5000, $"compressed reply is {raw.Body.Length} bytes");
    }

    private async Task AssertServerStillServesAsync()
    {
        using var channel = _server.CreateChannel();
        var reply = await channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "still here" }, new CallOptions { Timeout = TimeSpan.FromSeconds(10) });
        Assert.Equal("still here", reply.Text);
    }

    private static async IAsyncEnumerable<T> One<T>(T item)
    {
        await Task.Yield();
        yield return item;
    }

    private static async IAsyncEnumerable<T> Many<T>(params T[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    /// <summary>Sends some bytes, then never finishes the body (until the request is cancelled).</summary>
    private sealed class StalledContent : HttpContent
    {
        private readonly byte[] _bytes;

        public StalledContent(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(_bytes, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            Sent.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
