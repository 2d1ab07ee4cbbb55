using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Models.Import;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class BackboneImportCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-backbone-import-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Import_PackagedResNet18_WritesBackboneWithArchitectureDigestAndNormalisation()
    {
        var output = Path.Combine(_dir.FullName, "resnet18");

        var (code, text) = await CliRun.InvokeAsync(["backbone", "import", "--onnx", PackagedModels.ResNet18Onnx, "--out", output]);

        Assert.True(code == 0, text);
        Assert.Contains("15,897,152 parameters", text);
        var metadata = SafeTensors.ReadHeaderFile(Path.Combine(output, ResNetBackbone.WeightsFileName)).Metadata;
        Assert.Equal("resnet-basic[2,2,2,3]-w64", metadata["fedtransfer.architecture"]);
        Assert.Matches("^[0-9a-f]{64}$", metadata["fedtransfer.source.sha256"]);
        // The preprocessing graph beside the model was found and recorded without being named.
        Assert.Equal("BGR", metadata["fedtransfer.input.channels"]);
    }

    [Fact]
    public async Task Import_NotOnnx_OneErrorLineAndNothingWritten()
    {
        var bogus = Path.Combine(_dir.FullName, "model.onnx");
        await File.WriteAllBytesAsync(bogus, [0xff, 0xff, 0xff, 0xff, 0x0f]);
        var output = Path.Combine(_dir.FullName, "out");

        var (code, text) = await CliRun.InvokeAsync(["backbone", "import", "--onnx", bogus, "--out", output]);

        Assert.Equal(1, code);
        Assert.Contains("is not an ONNX model", text);
        Assert.StartsWith("error:", text);
        Assert.DoesNotContain(" at FedTransfer.", text);
        Assert.False(Directory.Exists(output));
    }
}
