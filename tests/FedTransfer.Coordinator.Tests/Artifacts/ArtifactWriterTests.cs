using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class ArtifactWriterTests
{
    [Fact]
    public async Task Commit_WrongDigest_StoresNothing()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        await using var writer = store.BeginWrite();
        await writer.WriteAsync(new byte[] { 1, 2, 3 });

        var error = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => writer.CommitAsync(new string('a', 64)));

        Assert.Contains("send it again", error.Message);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Commit_WrongLength_StoresNothing()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        await using var writer = store.BeginWrite();
        await writer.WriteAsync(new byte[] { 1, 2, 3 });

        var error = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => writer.CommitAsync(expectedLength: 4));

        Assert.Contains("received 3 bytes but 4 were declared", error.Message);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Dispose_WithoutCommit_DeletesTheTemporaryFile()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);

        await using (var writer = store.BeginWrite())
            await writer.WriteAsync(new byte[100]);

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Write_BeyondLimit_Throws()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        await using var writer = store.BeginWrite(maxBytes: 10);
        await writer.WriteAsync(new byte[10]);

        await Assert.ThrowsAsync<ArtifactIntegrityException>(async () => await writer.WriteAsync(new byte[1]));
    }

    [Fact]
    public async Task CopyFrom_StoresStreamContent()
    {
        using var temp = new TempDirectory();
        var store = new ArtifactStore(temp.Path);
        var bytes = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        await using var writer = store.BeginWrite();

        await writer.CopyFromAsync(new MemoryStream(bytes));
        var info = await writer.CommitAsync(expectedLength: bytes.Length);

        Assert.Equal(bytes, await store.ReadAllVerifiedAsync(info.Digest));
    }
}
