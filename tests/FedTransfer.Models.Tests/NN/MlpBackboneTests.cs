using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class MlpBackboneTests
{
    [Fact]
    public void NamedParameters_LayersThenHead()
    {
        using var model = new MlpBackbone(10, [32, 16], classes: 4);

        var names = model.named_parameters().Select(p => p.name).ToArray();

        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "head.weight", "head.bias"], names);
    }

    [Fact]
    public void Forward_Rows_GivesLogits()
    {
        Engine.Seed(13);
        using var model = new MlpBackbone(10, [32, 16], classes: 4);
        using var scope = NewDisposeScope();

        var logits = model.call(randn(6, 10));

        Assert.Equal([6L, 4L], logits.shape);
    }

    [Fact]
    public void Forward_WrongRowWidth_ThrowsNamingExpectedShape()
    {
        using var model = new MlpBackbone(10, [8], classes: 2);
        using var x = zeros(3, 9);

        var error = Assert.Throws<ArgumentException>(() => model.call(x));

        Assert.Contains("[batch, 10]", error.Message);
    }

    [Fact]
    public void AttachLora_LayersWildcard_AdaptsEveryHiddenLayer()
    {
        using var model = new MlpBackbone(10, [8, 8], classes: 2);

        var adapted = AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=2,targets=layers.*"));

        Assert.Equal(["layers.0", "layers.1"], adapted);
        Assert.Equal(["layers.0.lora_a", "layers.0.lora_b", "layers.1.lora_a", "layers.1.lora_b", "head.weight", "head.bias"],
            model.NamedTrainableParameters().Select(p => p.name));
    }

    [Fact]
    public void ReplaceHead_WrongFeatureWidth_Throws()
    {
        using var model = new MlpBackbone(10, [8], classes: 2);
        using var head = new ClassificationHead(9, 3);

        Assert.Throws<ArgumentException>(() => model.ReplaceHead(head));
    }
}
