using System.Security.Cryptography;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class ArtifactWriterStreamTests
{
    [Fact]
    public async Task Writes_ReachTheWriterInOrder_AndPositionFollows()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = new byte[70_000];
        new Random(3).NextBytes(bytes);
        await using var writer = store.BeginWrite();
        var stream = writer.AsStream();

        stream.Write(bytes, 0, 10);
        await stream.WriteAsync(bytes.AsMemory(10, 60_000));
        await stream.WriteAsync(bytes, 60_010, 9_990);
        var position = stream.Position;
        var info = await writer.CommitAsync();

        Assert.Equal(70_000, position);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), info.Digest);
        Assert.Equal(bytes, await store.ReadAllVerifiedAsync(info.Digest));
    }

    [Fact]
    public async Task OverTheLimit_ThrowsIntegrityError()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        await using var writer = store.BeginWrite(maxBytes: 100);
        var stream = writer.AsStream();

        Assert.Throws<ArtifactIntegrityException>(() => stream.Write(new byte[101]));
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => stream.WriteAsync(new byte[101]).AsTask());
    }

    [Fact]
    public async Task ReadAndSeek_AreRefused()
    {
        using var temp = new TempDirectory();
        await using var writer = new ArtifactStore(temp.Path).BeginWrite();
        var stream = writer.AsStream();

        Assert.False(stream.CanRead || stream.CanSeek);
        Assert.True(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Read(new byte[1], 0, 1));
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
    }
}
