using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Rpc.Tests.Support;
using Google.Protobuf;

namespace FedTransfer.Rpc.Tests.Interop;

/// <summary>Starts grpcio's server (interop_server.py) once; each test calls it with our client.</summary>
public sealed class PythonServerFixture : IAsyncLifetime
{
    private PythonPeer? _python;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _python = await PythonPeer.CreateAsync();
        var port = await _python.StartServerAsync("interop_server.py", TimeSpan.FromSeconds(30));
        Address = new Uri($"http://127.0.0.1:{port}");
    }

    public Task DisposeAsync()
    {
        _python?.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class PythonServerInteropTests(PythonServerFixture fixture) : IClassFixture<PythonServerFixture>, IDisposable
{
    private const long ArtifactSize = 64L * Artifact.MiB;
    private readonly GrpcChannel _channel = GrpcChannel.Create(fixture.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 8 * Artifact.MiB });

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Unary_ToGrpcio_EchoesTextAndMetadata()
    {
        var options = new CallOptions
        {
            Timeout = TimeSpan.FromSeconds(30),
            Headers = new Dictionary<string, string> { ["x-trace"] = "abc 123", ["x-blob-bin"] = GrpcMetadata.EncodeBinary([0, 1, 254, 255]) },
        };

        var reply = await _channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "héllo ✓" }, options);

        Assert.Equal("héllo ✓", reply.Text);
        Assert.Equal("abc 123", reply.Metadata["x-trace"]);
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, GrpcMetadata.DecodeBinary(reply.Metadata["x-blob-bin"]));
        Assert.Equal("set", reply.Metadata["deadline"]);
        Assert.Contains("grpc-dotnet-fedtransfer/", reply.Metadata["user-agent"]);
    }

    [Fact]
    public async Task Unary_GzipBothWays_WithGrpcio_RoundTrips()
    {
        using var channel = GrpcChannel.Create(fixture.Address, new GrpcChannelOptions { RequestCompression = "gzip" });
        var text = new string('z', 20000);

        var reply = await channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = text, CompressResponse = true }, new CallOptions { Timeout = TimeSpan.FromSeconds(30) });

        Assert.Equal(text, reply.Text);
    }

    [Fact]
    public async Task ServerStreaming_64MiBArtifactFromGrpcio_Sha256Matches()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        var chunks = 0;

        await foreach (var chunk in _channel.ServerStreaming(TestService.Download,
            new ArtifactRequest { Size = ArtifactSize, ChunkSize = Artifact.MiB, Seed = "py-server" }, new CallOptions { Timeout = TimeSpan.FromSeconds(120) }))
        {
            Assert.Equal(received, chunk.Offset);
            hash.AppendData(chunk.Data.Span);
            received += chunk.Data.Length;
            chunks++;
        }

        Assert.Equal(ArtifactSize, received);
        Assert.Equal(64, chunks);
        Assert.Equal(Artifact.Sha256Hex("py-server", ArtifactSize, Artifact.MiB), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public async Task ClientStreaming_64MiBArtifactToGrpcio_Sha256Matches()
    {
        var digest = await _channel.ClientStreamingAsync(TestService.Upload, Chunks("py-upload", ArtifactSize), new CallOptions { Timeout = TimeSpan.FromSeconds(120) });

        Assert.Equal(ArtifactSize, digest.Size);
        Assert.Equal(64, digest.Chunks);
        Assert.Equal(Artifact.Sha256Hex("py-upload", ArtifactSize, Artifact.MiB), digest.Sha256);
    }

    [Fact]
    public async Task Duplex_WithGrpcio_RepliesInterleaveWithRequests()
    {
        var replies = await DuplexPingPong.RunAsync(_channel, 5);

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], replies.Select(r => r.Text));
    }

    [Fact]
    public async Task Deadline_ToGrpcio_FailsWithDeadlineExceededOnTime()
    {
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo,
            new EchoRequest { Text = "slow", DelayMs = 5000 }, new CallOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.Status);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Error_FromGrpcio_NonAsciiMessageArrivesIntact()
    {
        const string message = "Übermaß: données refusées ✗ 🚫 100% sûr";

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo,
            new EchoRequest { Text = "x", FailCode = (int)StatusCode.FailedPrecondition, FailMessage = message }, new CallOptions { Timeout = TimeSpan.FromSeconds(30) }));

        Assert.Equal(StatusCode.FailedPrecondition, ex.Status);
        Assert.Equal(message, ex.Detail);
    }

    [Fact]
    public async Task Error_InDuplexFromGrpcio_EndsStreamWithStatus()
    {
        static async IAsyncEnumerable<EchoRequest> Requests()
        {
            yield return new EchoRequest { Text = "ok" };
            await Task.Yield();
            yield return new EchoRequest { FailCode = (int)StatusCode.OutOfRange, FailMessage = "stop here" };
        }

        var received = new List<string>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in _channel.Duplex(TestService.Chat, Requests(), new CallOptions { Timeout = TimeSpan.FromSeconds(30) }))
            {
                received.Add(reply.Text);
            }
        });

        Assert.Equal(["ok"], received);
        Assert.Equal(StatusCode.OutOfRange, ex.Status);
        Assert.Equal("stop here", ex.Detail);
    }

    [Fact]
    public async Task UnknownMethod_OnGrpcio_IsUnimplemented()
    {
        var nope = new Method<EchoRequest, EchoReply>(MethodType.Unary, TestService.Name, "Nope", EchoRequest.Parser, EchoReply.Parser);

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(nope, new EchoRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(30) }));

        Assert.Equal(StatusCode.Unimplemented, ex.Status);
    }

    [Fact]
    public async Task Cancellation_ToGrpcio_FailsWithCancelledPromptly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var started = DateTime.UtcNow;

        var ex = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(TestService.Echo,
            new EchoRequest { Text = "slow", DelayMs = 5000 }, new CallOptions { CancellationToken = cts.Token }));

        Assert.Equal(StatusCode.Cancelled, ex.Status);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    private static async IAsyncEnumerable<Chunk> Chunks(string seed, long size, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var (offset, data) in Artifact.Chunks(seed, size, Artifact.MiB))
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new Chunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(data) };
        }
    }
}
