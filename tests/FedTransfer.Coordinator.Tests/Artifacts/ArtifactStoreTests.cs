using System.Security.Cryptography;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class ArtifactStoreTests
{
    private static byte[] Bytes(int n, int seed = 1)
    {
        var bytes = new byte[n];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Put_StoresUnderSha256_AndReadsBack()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = Bytes(10_000);

        var info = await store.PutAsync(bytes);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Digest);
        Assert.Equal(10_000, info.SizeBytes);
        Assert.True(store.Exists(info.Digest));
        Assert.EndsWith(Path.Combine("sha256", info.Digest[..2], info.Digest), store.PathOf(info.Digest));
        Assert.Equal(bytes, await store.ReadAllVerifiedAsync(info.Digest));
    }

    [Fact]
    public async Task PutStreamed_StoresWhatTheWriterWrote()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = Bytes(200_000);

        var info = await store.PutAsync(async (stream, ct) =>
        {
            stream.Write(bytes.AsSpan(0, 1000));
            await stream.WriteAsync(bytes.AsMemory(1000), ct);
        });

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Digest);
        Assert.Equal(bytes, await store.ReadAllVerifiedAsync(info.Digest));
    }

    [Fact]
    public async Task PutStreamed_WriterThrows_LeavesNothingBehind()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.PutAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(Bytes(5000), ct);
            throw new InvalidOperationException("serializer failed");
        }));

        Assert.Empty(Directory.EnumerateFiles(store.Root, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(10_000)]
    public async Task OpenRead_FromAnyOffset_ReadsTheTail(int offset)
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = Bytes(10_000);
        var info = await store.PutAsync(bytes);

        await using var stream = store.OpenRead(info.Digest, offset);
        using var tail = new MemoryStream();
        await stream.CopyToAsync(tail);

        Assert.Equal(bytes[offset..], tail.ToArray());
    }

    [Fact]
    public async Task OpenRead_OffsetBeyondEnd_Throws()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var info = await store.PutAsync(Bytes(10));

        Assert.Throws<ArgumentOutOfRangeException>(() => store.OpenRead(info.Digest, 11));
        Assert.Throws<ArtifactNotFoundException>(() => store.OpenRead(new string('e', 64)));
    }

    [Fact]
    public async Task CorruptedFile_IsDetected_AndReuploadRepairsIt()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = Bytes(5000);
        var info = await store.PutAsync(bytes);
        var onDisk = await File.ReadAllBytesAsync(store.PathOf(info.Digest));
        onDisk[1234] ^= 0xFF;
        await File.WriteAllBytesAsync(store.PathOf(info.Digest), onDisk);

        Assert.False(await store.VerifyAsync(info.Digest));
        var error = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.ReadAllVerifiedAsync(info.Digest));
        Assert.Contains("corrupted", error.Message);

        await store.PutAsync(bytes);
        Assert.True(await store.VerifyAsync(info.Digest));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("abc")]
    public void PathOf_InvalidDigest_Throws(string digest)
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);

        Assert.Throws<ArgumentException>(() => store.PathOf(digest));
        Assert.False(store.Exists(digest));
        Assert.Null(store.TryGetSize(digest));
    }

    [Fact]
    public void Open_RemovesStaleTemporaryFiles()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "tmp"));
        var stale = Path.Combine(temp.Path, "tmp", "abc.partial");
        File.WriteAllText(stale, "half an upload");

        _ = new ArtifactStore(temp.Path);

        Assert.False(File.Exists(stale));
    }
}
