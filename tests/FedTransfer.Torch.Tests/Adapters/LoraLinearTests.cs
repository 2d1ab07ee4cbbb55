using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.Adapters;

public sealed class LoraLinearTests
{
    [Fact]
    public void Forward_FreshAdapter_EqualsBaseLayerExactly()
    {
        Torch.ManualSeed(20);
        var baseLayer = new Linear(6, 5);
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([3, 6]);
        var expected = baseLayer.Forward(x).ToArray<float>();

        using var lora = new LoraLinear(baseLayer, rank: 2, alpha: 4);
        var actual = lora.Forward(x).ToArray<float>();

        Assert.Equal(expected, actual);
        Assert.All(lora.LoraB.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Contains(lora.LoraA.ToArray<float>(), v => v != 0f);
    }

    [Fact]
    public void NamedParameters_KeepBaseNamesAndAddFactors()
    {
        using var lora = new LoraLinear(new Linear(6, 5), rank: 2, alpha: 4);

        var shapes = lora.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Shape);

        Assert.Equal(["weight", "bias", "lora_a", "lora_b"], shapes.Keys);
        Assert.Equal([2L, 6L], shapes["lora_a"]);
        Assert.Equal([5L, 2L], shapes["lora_b"]);
    }

    [Fact]
    public void Forward_TrainedFactors_AddScaledLowRankUpdate()
    {
        Torch.ManualSeed(21);
        using var lora = new LoraLinear(new Linear(3, 2, bias: false), rank: 1, alpha: 3);
        using var scope = Torch.NewDisposeScope();
        using (Torch.NoGrad())
        {
            lora.Weight.ZeroInPlace();
            lora.LoraA.CopyFrom(Tensor.From([1f, 2f, 3f], 1, 3));
            lora.LoraB.CopyFrom(Tensor.From([1f, -1f], 2, 1));
        }

        var y = lora.Forward(Tensor.From([1f, 1f, 1f], 1, 3)).ToArray<float>();

        // A·x = 6, B·6 = [6, -6], scale alpha/r = 3.
        Assert.Equal([18f, -18f], y);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(22);
        using var lora = new LoraLinear(new Linear(5, 4), rank: 2, alpha: 3);
        TestTensors.Randomize(lora, 0.5);
        using var x = Tensor.Randn([3, 5]);

        GradientCheck.AssertModuleGradients(lora, x, ["lora_a", "lora_b", "weight"]);
    }

    [Fact]
    public void Merge_GivesLinearComputingTheSameFunction()
    {
        Torch.ManualSeed(23);
        var lora = new LoraLinear(new Linear(6, 5), rank: 2, alpha: 4);
        TestTensors.Randomize(lora, 0.5);
        lora.Eval();
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([4, 6]);
        var adapted = lora.Forward(x);

        using var merged = lora.Merge();
        var result = merged.Forward(x);

        Assert.True(TestTensors.MaxAbsDiff(adapted, result) < 1e-5);
        Assert.Equal(["weight", "bias"], merged.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Constructor_RankLargerThanLayer_Throws()
    {
        using var baseLayer = new Linear(3, 8);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LoraLinear(baseLayer, rank: 4, alpha: 4));

        Assert.Contains("1..3", error.Message);
    }
}
