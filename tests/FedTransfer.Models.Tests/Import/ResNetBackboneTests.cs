using FedTransfer.Models.Import;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Weights.Serialization;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Import;

public sealed class ResNetBackboneTests(ResNet18OnnxFixture fixture) : IClassFixture<ResNet18OnnxFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-resnet-backbone-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SaveThenLoad_PackagedResNet18_GivesTheSameFeatures()
    {
        var normalization = InputNormalization.FromOnnx(PackagedModels.ResNet18Preprocess);
        ResNetBackbone.Save(fixture.Imported, _dir, normalization);

        var (loaded, metadata) = ResNetBackbone.Load(_dir, classes: 3);
        using var model = loaded;
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var images = tensor(ResNet18OnnxFixture.RandomImage(11), [1, 3, 224, 224]);
        var expected = fixture.Imported.Model.ForwardFeatures(images);
        var actual = model.ForwardFeatures(images);

        Assert.Equal(0.0, TestTensors.MaxAbsDiff(expected, actual));
        Assert.Equal([3L, 512L], model.state_dict()["fc.weight"].shape);
        Assert.Equal("resnet-basic[2,2,2,3]-w64", metadata[ResNetBackbone.ArchitectureKey]);
        Assert.Equal(fixture.Imported.SourceSha256, metadata["fedtransfer.source.sha256"]);
        Assert.Equal("BGR", metadata["fedtransfer.input.channels"]);
        Assert.Equal("1,3,224,224", metadata["fedtransfer.input.shape"]);
    }

    [Fact]
    public void Save_PackagedResNet18_WritesTorchvisionNamesWithoutHead()
    {
        var path = ResNetBackbone.Save(fixture.Imported, _dir);

        var names = SafeTensors.ReadHeaderFile(path).Tensors.Select(t => t.Name).ToHashSet();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("layer4.2.bn2.running_var", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.DoesNotContain(names, n => n.StartsWith("fc."));
        Assert.Equal("unknown", SafeTensors.ReadHeaderFile(path).Metadata["fedtransfer.input.normalization"]);
    }

    [Fact]
    public void Load_TensorMissing_NamesIt()
    {
        using var model = new ResNet([1], classes: 2, width: 4);
        var file = ResNetBackbone.Save(new ImportedResNet(model, [1], 4, [], new string('0', 64), "test"), _dir);
        var kept = SafeTensors.ReadFile(file);
        SafeTensors.WriteFile(file, kept.Tensors.Where(t => t.Name != "layer1.0.bn2.weight"), kept.Metadata);

        var error = Assert.Throws<StateDictException>(() => ResNetBackbone.Load(_dir, classes: 2));

        Assert.Equal("layer1.0.bn2.weight", error.TensorName);
    }

    [Fact]
    public void Load_NotAResNetBackbone_SaysHowToMakeOne()
    {
        SafeTensors.WriteFile(Path.Combine(_dir, ResNetBackbone.WeightsFileName), [], new Dictionary<string, string>());

        var error = Assert.Throws<InvalidDataException>(() => ResNetBackbone.Load(_dir, classes: 2));

        Assert.Contains("fedtransfer backbone import", error.Message);
    }
}
