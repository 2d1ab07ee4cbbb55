using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Adapters;

public sealed class LoraLinearTests
{
    [Fact]
    public void Forward_FreshAdapter_EqualsBaseLayerExactly()
    {
        Engine.Seed(20);
        var baseLayer = Layers.Linear(6, 5);
        using var scope = NewDisposeScope();
        var x = randn(3, 6);
        var expected = baseLayer.call(x).data<float>().ToArray();

        using var lora = new LoraLinear(baseLayer, rank: 2, alpha: 4);
        var actual = lora.call(x).data<float>().ToArray();

        Assert.Equal(expected, actual);
        Assert.All(lora.LoraB.data<float>().ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(lora.LoraA.data<float>().ToArray(), v => v != 0f);
    }

    [Fact]
    public void NamedParameters_KeepBaseNamesAndAddFactors()
    {
        using var lora = new LoraLinear(Layers.Linear(6, 5), rank: 2, alpha: 4);

        var shapes = lora.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal(["weight", "bias", "lora_a", "lora_b"], shapes.Keys);
        Assert.Equal([2L, 6L], shapes["lora_a"]);
        Assert.Equal([5L, 2L], shapes["lora_b"]);
    }

    [Fact]
    public void Forward_TrainedFactors_AddScaledLowRankUpdate()
    {
        Engine.Seed(21);
        using var lora = new LoraLinear(Layers.Linear(3, 2, bias: false), rank: 1, alpha: 3);
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            lora.Weight.zero_();
            lora.LoraA.copy_(tensor(new[] { 1f, 2f, 3f }, [1, 3]));
            lora.LoraB.copy_(tensor(new[] { 1f, -1f }, [2, 1]));
        }

        var y = lora.call(tensor(new[] { 1f, 1f, 1f }, [1, 3])).data<float>().ToArray();

        // A·x = 6, B·6 = [6, -6], scale alpha/r = 3.
        Assert.Equal([18f, -18f], y);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Engine.Seed(22);
        using var lora = new LoraLinear(Layers.Linear(5, 4), rank: 2, alpha: 3);
        TestTensors.Randomize(lora, 0.5);
        using var x = randn(3, 5);

        GradientCheck.AssertModuleGradients(lora, x, ["lora_a", "lora_b", "weight"]);
    }

    [Fact]
    public void Merge_GivesLinearComputingTheSameFunction()
    {
        Engine.Seed(23);
        var lora = new LoraLinear(Layers.Linear(6, 5), rank: 2, alpha: 4);
        TestTensors.Randomize(lora, 0.5);
        lora.eval();
        using var scope = NewDisposeScope();
        var x = randn(4, 6);
        var adapted = lora.call(x);

        using var merged = lora.Merge();
        var result = merged.call(x);

        Assert.True(TestTensors.MaxAbsDiff(adapted, result) < 1e-5);
        Assert.Equal(["weight", "bias"], merged.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Constructor_RankLargerThanLayer_Throws()
    {
        using var baseLayer = Layers.Linear(3, 8);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LoraLinear(baseLayer, rank: 4, alpha: 4));

        Assert.Contains("1..3", error.Message);
    }
}
