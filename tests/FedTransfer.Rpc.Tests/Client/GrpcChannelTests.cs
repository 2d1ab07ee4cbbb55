using System.Runtime.CompilerServices;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Tests.Client;

public sealed class GrpcChannelTests : IAsyncLifetime
{
    private TestServerHost _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServerHost.StartAsync();
        _channel = _server.CreateChannel();
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task UnaryAsync_EchoWithMetadata_ReturnsReplyAndHeadersSeenByHandler()
    {
        var options = new CallOptions
        {
            Headers = new Dictionary<string, string> { ["x-trace"] = "abc 123", ["x-blob-bin"] = GrpcMetadata.EncodeBinary([0, 1, 254, 255]) },
        };

        var reply = await _channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "héllo" }, options);

        Assert.Equal("héllo", reply.Text);
        Assert.Equal("abc 123", reply.Metadata["x-trace"]);
        Assert.Equal(new byte[] { 0, 1, 254, 255 }, GrpcMetadata.DecodeBinary(reply.Metadata["x-blob-bin"]));
        Assert.StartsWith("grpc-dotnet-fedtransfer/", reply.Metadata["user-agent"]);
        Assert.StartsWith("ipv4:127.0.0.1:", reply.Metadata["peer"]);
        Assert.Equal("none", reply.Metadata["deadline"]);
    }

    [Fact]
    public async Task ServerStreaming_Artifact_ArrivesCompleteAndInOrder()
    {
        const long size = 8L * Artifact.MiB + 12345;
        var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        long expectedOffset = 0;

        await foreach (var chunk in _channel.ServerStreaming(TestService.Download,
            new ArtifactRequest { Size = size, ChunkSize = Artifact.MiB, Seed = "down" }, new CallOptions { Timeout = TimeSpan.FromSeconds(60) }))
        {
            Assert.Equal(expectedOffset, chunk.Offset);
            hash.AppendData(chunk.Data.Span);
            expectedOffset += chunk.Data.Length;
        }

        Assert.Equal(size, expectedOffset);
        Assert.Equal(Artifact.Sha256Hex("down", size, Artifact.MiB), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public async Task ClientStreamingAsync_Artifact_ServerDigestMatches()
    {
        const long size = 8L * Artifact.MiB + 777;

        var digest = await _channel.ClientStreamingAsync(TestService.Upload, UploadChunks("up", size), new CallOptions { Timeout = TimeSpan.FromSeconds(60) });

        Assert.Equal(size, digest.Size);
        Assert.Equal(9, digest.Chunks);
        Assert.Equal(Artifact.Sha256Hex("up", size, Artifact.MiB), digest.Sha256);
    }

    [Fact]
    public async Task Duplex_PingPong_EachReplyArrivesBeforeNextRequestIsSent()
    {
        var replies = await DuplexPingPong.RunAsync(_channel, 5);

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], replies.Select(r => r.Text));
        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
    }

    [Fact]
    public async Task UnaryAsync_IdempotentCallOnFlakyServer_RetriesUntilSuccess()
    {
        var bad = new MisbehavingEndpoints { FlakyFailures = 2 };
        await using var server = await TestServerHost.StartAsync(map: bad.Map);
        var logs = new TestLoggerProvider();
        using var channel = GrpcChannel.Create(server.Address, FastRetries(logs));

        var reply = await channel.UnaryAsync(MisbehavingEndpoints.Unary("Flaky"), new EchoRequest(), new CallOptions { Idempotent = true });

        Assert.Equal("finally", reply.Text);
        Assert.Equal(3, bad.FlakyCalls);
        Assert.Equal(2, logs.Entries.Count(e => e.Id.Id == 101));
    }

    [Fact]
    public async Task UnaryAsync_NonIdempotentCallOnFlakyServer_IsNotRetried()
    {
        var bad = new MisbehavingEndpoints { FlakyFailures = 2 };
        await using var server = await TestServerHost.StartAsync(map: bad.Map);
        using var channel = GrpcChannel.Create(server.Address, FastRetries(new TestLoggerProvider()));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(MisbehavingEndpoints.Unary("Flaky"), new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        Assert.Equal(1, bad.FlakyCalls);
    }

    [Fact]
    public async Task UnaryAsync_RetriesExhausted_FailsWithUnavailable()
    {
        var bad = new MisbehavingEndpoints { FlakyFailures = 100 };
        await using var server = await TestServerHost.StartAsync(map: bad.Map);
        using var channel = GrpcChannel.Create(server.Address, FastRetries(new TestLoggerProvider()));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(MisbehavingEndpoints.Unary("Flaky"), new EchoRequest(), new CallOptions { Idempotent = true }));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        Assert.Equal(4, bad.FlakyCalls);
    }

    [Fact]
    public async Task UnaryAsync_NothingListening_IsUnavailableAfterRetriesForIdempotentCall()
    {
        var logs = new TestLoggerProvider();
        using var channel = GrpcChannel.Create(new Uri($"http://127.0.0.1:{FreePort()}"), FastRetries(logs));

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest(), new CallOptions { Idempotent = true }));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        Assert.Contains("127.0.0.1", ex.Detail);
        Assert.Equal(3, logs.Entries.Count(e => e.Id.Id == 101));
    }

    [Fact]
    public async Task ClientStreamingAsync_ConsumedRequestStream_IsNotReplayed()
    {
        var bad = new MisbehavingEndpoints { FlakyFailures = 1 };
        await using var server = await TestServerHost.StartAsync(map: bad.Map);
        using var channel = GrpcChannel.Create(server.Address, FastRetries(new TestLoggerProvider()));
        var flaky = new Method<EchoRequest, EchoReply>(MethodType.ClientStreaming, MisbehavingEndpoints.Service, "Flaky", EchoRequest.Parser, EchoReply.Parser);

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.ClientStreamingAsync(flaky, OneRequest(), new CallOptions { Idempotent = true }));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        Assert.Equal(1, bad.FlakyCalls);
    }

    [Fact]
    public async Task ServerStreaming_ManyConcurrentCalls_AllComplete()
    {
        var calls = Enumerable.Range(0, 20).Select(async i =>
        {
            long total = 0;
            await foreach (var chunk in _channel.ServerStreaming(TestService.Download, new ArtifactRequest { Size = 100_000 + i, ChunkSize = 4096, Seed = $"c{i}" }))
            {
                total += chunk.Data.Length;
            }

            return total;
        });

        var totals = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => 100_000L + i), totals);
    }

    [Fact]
    public void Create_InvalidAddressOrOptions_ThrowsClearArgumentException()
    {
        Assert.Contains("http://", Assert.Throws<ArgumentException>(() => GrpcChannel.Create(new Uri("ftp://host:1"))).Message);
        Assert.Contains("MaxReceiveMessageSize", Assert.Throws<ArgumentException>(() =>
            GrpcChannel.Create(new Uri("http://127.0.0.1:1"), new GrpcChannelOptions { MaxReceiveMessageSize = 0 })).Message);
        Assert.Contains("RequestCompression", Assert.Throws<ArgumentException>(() =>
            GrpcChannel.Create(new Uri("http://127.0.0.1:1"), new GrpcChannelOptions { RequestCompression = "br" })).Message);
    }

    private static GrpcChannelOptions FastRetries(TestLoggerProvider logs) => new()
    {
        MaxRetryAttempts = 3,
        InitialBackoff = TimeSpan.FromMilliseconds(10),
        MaxBackoff = TimeSpan.FromMilliseconds(50),
        LoggerFactory = LoggerFactory.Create(b => b.AddProvider(logs)),
    };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async IAsyncEnumerable<EchoRequest> OneRequest()
    {
        await Task.Yield();
        yield return new EchoRequest { Text = "once" };
    }

    private static async IAsyncEnumerable<Chunk> UploadChunks(string seed, long size, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var (offset, data) in Artifact.Chunks(seed, size, Artifact.MiB))
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return new Chunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(data) };
        }
    }
}
