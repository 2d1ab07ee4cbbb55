using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Models.Data;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class DemoPrepareCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-demo-prepare-");

    public void Dispose() => _dir.Delete(recursive: true);

    [FashionMnistFact]
    public async Task Prepare_WithACachedBackbone_KeepsItAndWritesOneDataFolderPerSite()
    {
        // Arrange: a tiny backbone already in place, as a second `demo prepare` finds it.
        var output = _dir.FullName;
        var backbone = Path.Combine(output, "backbone");
        var (pretrained, log) = await CliRun.InvokeAsync("pretrain", "--out", backbone, "--train-size", "64", "--epochs", "1", "--batch-size", "32",
            "--dim", "16", "--depth", "1", "--heads", "2", "--threads", "1", "--device", "cpu");
        Assert.True(pretrained == 0, log);
        var written = File.GetLastWriteTimeUtc(Path.Combine(backbone, "backbone.safetensors"));

        // Act
        var (code, text) = await CliRun.InvokeAsync("demo", "prepare", "--out", output, "--sites", "3", "--train-examples", "300");

        // Assert
        Assert.True(code == 0, text);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(backbone, "backbone.safetensors")));
        var counts = Enumerable.Range(1, 3)
            .Select(k => FashionMnist.Load(Path.Combine(output, $"site-{k}", "data"), FashionMnistSplit.Train).Count).ToArray();
        Assert.Equal(300, counts.Sum());
        Assert.All(counts, c => Assert.True(c >= 64, $"a site got only {c} images"));
    }
}
