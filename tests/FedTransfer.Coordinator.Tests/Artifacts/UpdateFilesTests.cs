using System.Security.Cryptography;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class UpdateFilesTests
{
    [Fact]
    public async Task Write_Commit_StoresUnderTaskId_AndVerifiesByDigest()
    {
        using var temp = new TempDirectory();
        var files = new UpdateFiles(temp.Path, durable: false);
        var bytes = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var digest = Convert.ToHexStringLower(SHA256.HashData(bytes));

        await using (var writer = files.BeginWrite("task-abc", 10_000))
        {
            await writer.WriteAsync(bytes);
            await writer.CommitAsync(digest, bytes.Length);
        }

        Assert.True(File.Exists(files.PathOf("task-abc")));
        Assert.True(await files.VerifyAsync("task-abc", digest));
        Assert.False(await files.VerifyAsync("task-abc", new string('0', 64)));
        files.Delete("task-abc");
        Assert.False(await files.VerifyAsync("task-abc", digest));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData("")]
    public void PathOf_NotATaskId_Throws(string taskId)
    {
        using var temp = new TempDirectory();

        Assert.Throws<ArgumentException>(() => new UpdateFiles(temp.Path, durable: false).PathOf(taskId));
    }

    [Fact]
    public async Task Interrupted_Write_LeavesNothing()
    {
        using var temp = new TempDirectory();
        var files = new UpdateFiles(temp.Path, durable: true);

        await using (var writer = files.BeginWrite("task-1", 100))
            await writer.WriteAsync(new byte[50]);

        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories));
    }
}
