using System.Runtime.CompilerServices;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;
using Google.Protobuf;

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
        var replies = new List<EchoReply>();
        var gate = new SemaphoreSlim(0);

        async IAsyncEnumerable<EchoRequest> Requests()
        {
            for (var i = 0; i < 5; i++)
            {
                yield return new EchoRequest { Text = $"m{i}" };
                // Waiting for the reply proves the call streams both ways instead of buffering the request.
                Assert.True(await gate.WaitAsync(TimeSpan.FromSeconds(10)), $"no reply to m{i}");
            }
        }

        await foreach (var reply in _channel.Duplex(TestService.Chat, Requests(), new CallOptions { Timeout = TimeSpan.FromSeconds(30) }))
        {
            replies.Add(reply);
            gate.Release();
        }

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], replies.Select(r => r.Text));
        Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
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
