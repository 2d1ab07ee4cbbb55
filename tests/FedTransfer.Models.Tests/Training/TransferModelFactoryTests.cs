using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class TransferModelFactoryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-factory-");
    private readonly string _weights;

    public TransferModelFactoryTests()
    {
        _weights = Path.Combine(_dir.FullName, "backbone.safetensors");
        Engine.Seed(70);
        using var backbone = new VisionTransformer(TestTensors.TinyVit);
        ModelCheckpoint.SaveStateDict(backbone, _weights);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(TrainingMode.Lora, 6)]
    [InlineData(TrainingMode.Bottleneck, 18)]
    [InlineData(TrainingMode.HeadOnly, 2)]
    [InlineData(TrainingMode.Full, 32)]
    [InlineData(TrainingMode.Scratch, 32)]
    public void Create_Mode_TrainsTheExpectedTensors(TrainingMode mode, int trainable)
    {
        using var model = TransferModelFactory.Create(TestTensors.TinyVit, _weights, mode, null, classes: 4);

        Assert.Equal(trainable, model.NamedTrainableParameters().Count());
        Assert.Equal([4L, 16L], model.Head.named_parameters().First().parameter.shape);
    }

    [Fact]
    public void Create_Full_StartsFromPretrainedBackbone()
    {
        using var model = TransferModelFactory.Create(TestTensors.TinyVit, _weights, TrainingMode.Full, null, classes: 4);
        using var pretrained = new VisionTransformer(TestTensors.TinyVit);
        ModelCheckpoint.LoadStateDict(pretrained, _weights);

        Assert.Equal(pretrained.state_dict()["blocks.1.mlp.fc2.weight"].data<float>().ToArray(), model.state_dict()["blocks.1.mlp.fc2.weight"].data<float>().ToArray());
    }

    [Fact]
    public void Create_LoraModeWithBottleneckSpec_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            TransferModelFactory.Create(TestTensors.TinyVit, _weights, TrainingMode.Lora, new BottleneckSpec(4), classes: 4));

        Assert.Contains("--mode", error.Message);
    }
}
