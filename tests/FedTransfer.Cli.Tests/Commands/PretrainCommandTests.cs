using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class PretrainCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-pretrain-");

    public void Dispose() => _dir.Delete(recursive: true);

    [FashionMnistFact]
    public async Task Pretrain_TinyRun_WritesBackboneWeightsAndConfig()
    {
        var output = Path.Combine(_dir.FullName, "backbone");

        var (code, text) = await CliRun.InvokeAsync("pretrain", "--out", output, "--train-size", "64", "--epochs", "1", "--batch-size", "32",
            "--dim", "16", "--depth", "1", "--heads", "2", "--threads", "1", "--device", "cpu");

        Assert.True(code == 0, text);
        var config = VisionTransformerConfig.Load(Path.Combine(output, "backbone.json"));
        Assert.Equal(16, config.Dim);
        Assert.Equal(5, config.Classes);
        var weights = SafeTensors.ReadFile(Path.Combine(output, "backbone.safetensors"));
        Assert.Equal([48L, 16L], weights["blocks.0.attn.qkv.weight"].Shape);
        Assert.Equal("backbone", weights.Metadata["fedtransfer.kind"]);
        Assert.Contains("test accuracy", text);
    }

    [Fact]
    public async Task Pretrain_HeadsNotDividingDim_FailsWithOneLineNamingTheFields()
    {
        var (code, text) = await CliRun.InvokeAsync("pretrain", "--out", _dir.FullName, "--dim", "10", "--heads", "4");

        Assert.Equal(1, code);
        Assert.Contains("heads 4 must divide dim 10", text);
        Assert.Single(text.Trim().Split('\n'));
    }

    [Fact]
    public async Task Pretrain_MissingData_SaysWhichPackageToInstall()
    {
        var (code, text) = await CliRun.InvokeAsync("pretrain", "--out", _dir.FullName, "--data", "/nonexistent/fashion", "--device", "cpu");

        Assert.Equal(1, code);
        Assert.Contains("dataset-fashion-mnist", text);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task Pretrain_ZeroEpochs_IsRejectedByTheParser()
    {
        var (code, text) = await CliRun.InvokeAsync("pretrain", "--epochs", "0");

        Assert.NotEqual(0, code);
        Assert.Contains("--epochs must be at least 1", text);
    }
}
