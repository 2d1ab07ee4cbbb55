using System.Runtime.CompilerServices;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Artifacts;

public sealed class ArtifactCacheTests : IDisposable
{
    private const int ChunkSize = 4096;
    private readonly TempDirectory _dir = new();
    private readonly byte[] _bytes = Enumerable.Range(0, 5 * ChunkSize + 123).Select(i => (byte)(i * 31 + 7)).ToArray();

    private ArtifactRef Artifact => new() { Digest = TestTasks.Sha256(_bytes), SizeBytes = _bytes.Length };

    [Fact]
    public async Task Get_PartialFileOnDisk_ResumesFromItsLengthAndVerifies()
    {
        // Arrange: a previous run left the first 2.5 chunks behind.
        var source = new ScriptedSource(_bytes);
        var cache = NewCache(source);
        Directory.CreateDirectory(_dir.Path);
        await File.WriteAllBytesAsync(cache.PathOf(Artifact.Digest) + ".partial", _bytes[..10240]);

        // Act
        var path = await cache.GetAsync(Artifact, CancellationToken.None);

        // Assert
        Assert.Equal([10240L], source.Offsets);
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public async Task Get_StreamBreaksMidway_ResumesAtTheBytesAlreadyWritten()
    {
        // Arrange: the first call dies with UNAVAILABLE after two chunks.
        var source = new ScriptedSource(_bytes) { FailAfterChunks = { 2 } };
        var cache = NewCache(source);

        // Act
        var path = await cache.GetAsync(Artifact, CancellationToken.None);

        // Assert
        Assert.Equal([0L, 2L * ChunkSize], source.Offsets);
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Get_CorruptOnce_DeletesAndRefetchesFromTheStart()
    {
        // Arrange
        var source = new ScriptedSource(_bytes) { CorruptCalls = 1 };
        var cache = NewCache(source);

        // Act
        var path = await cache.GetAsync(Artifact, CancellationToken.None);

        // Assert
        Assert.Equal([0L, 0L], source.Offsets);
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Get_CorruptTwice_FailsClearlyAndLeavesNoFiles()
    {
        // Arrange
        var source = new ScriptedSource(_bytes) { CorruptCalls = 2 };
        var cache = NewCache(source);

        // Act
        var error = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => cache.GetAsync(Artifact, CancellationToken.None));

        // Assert
        Assert.Contains(Artifact.Digest, error.Message);
        Assert.Contains("SHA-256", error.Message);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Get_SecondTime_UsesTheCacheWithoutFetching()
    {
        // Arrange
        var source = new ScriptedSource(_bytes);
        var cache = NewCache(source);
        await cache.GetAsync(Artifact, CancellationToken.None);

        // Act
        var path = await NewCache(source).GetAsync(Artifact, CancellationToken.None);

        // Assert
        Assert.Single(source.Offsets);
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Get_CachedFileTamperedWith_IsFetchedAgain()
    {
        // Arrange
        var source = new ScriptedSource(_bytes);
        var path = await NewCache(source).GetAsync(Artifact, CancellationToken.None);
        await File.WriteAllBytesAsync(path, new byte[_bytes.Length]);

        // Act
        await NewCache(source).GetAsync(Artifact, CancellationToken.None);

        // Assert
        Assert.Equal([0L, 0L], source.Offsets);
        Assert.Equal(_bytes, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Get_ChunkWithAGap_StopsWithAMalformedStreamError()
    {
        // Arrange
        var source = new ScriptedSource(_bytes) { SkipChunk = 1 };
        var cache = NewCache(source);

        // Act
        var error = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => cache.GetAsync(Artifact, CancellationToken.None));

        // Assert
        Assert.Contains("malformed", error.Message);
        Assert.False(File.Exists(cache.PathOf(Artifact.Digest)));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("ABC")]
    public async Task Get_MalformedDigest_IsRejectedWithoutFetching(string digest)
    {
        // Arrange
        var source = new ScriptedSource(_bytes);

        // Act
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => NewCache(source).GetAsync(new ArtifactRef { Digest = digest }, CancellationToken.None));

        // Assert
        Assert.Empty(source.Offsets);
    }

    private ArtifactCache NewCache(IArtifactSource source) =>
        new(_dir.Path, source, NullLogger.Instance, maxResumes: 3, resumeDelay: TimeSpan.FromMilliseconds(1));

    public void Dispose() => _dir.Dispose();

    /// <summary>Serves the bytes in 4 KiB chunks from the asked offset, with scripted breaks and corruption.</summary>
    private sealed class ScriptedSource(byte[] bytes) : IArtifactSource
    {
        public List<long> Offsets { get; } = [];
        public List<int> FailAfterChunks { get; } = [];
        public int CorruptCalls { get; set; }
        public int SkipChunk { get; set; } = -1;

        public async IAsyncEnumerable<ArtifactChunk> FetchAsync(string digest, long offset, [EnumeratorCancellation] CancellationToken ct)
        {
            Offsets.Add(offset);
            var corrupt = CorruptCalls-- > 0;
            int? failAfter = FailAfterChunks.Count > 0 ? FailAfterChunks[0] : null;
            if (FailAfterChunks.Count > 0) FailAfterChunks.RemoveAt(0);
            var index = 0;
            for (var at = offset; at < bytes.Length; at += ChunkSize, index++)
            {
                await Task.Yield();
                if (failAfter == index) throw new RpcException(new Status(StatusCode.Unavailable, "connection reset"));
                if (index == SkipChunk) continue;
                var data = bytes.AsSpan((int)at, (int)Math.Min(ChunkSize, bytes.Length - at)).ToArray();
                if (corrupt && index == 0) data[0] ^= 0xFF;
                yield return new ArtifactChunk { Offset = at, TotalBytes = bytes.Length, Digest = digest, Data = ByteString.CopyFrom(data) };
            }
        }
    }
}
