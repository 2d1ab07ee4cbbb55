using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Adapters;

public sealed class BottleneckAdapterTests
{
    [Fact]
    public void Forward_FreshAdapter_IsIdentity()
    {
        Engine.Seed(30);
        using var adapter = new BottleneckAdapter(16, reduction: 4);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 16);

        var y = adapter.call(x);

        Assert.Equal(x.data<float>().ToArray(), y.data<float>().ToArray());
    }

    [Fact]
    public void NamedParameters_DownToDimOverReductionAndBack()
    {
        using var adapter = new BottleneckAdapter(16, reduction: 4);

        var shapes = adapter.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([4L, 16L], shapes["down.weight"]);
        Assert.Equal([16L, 4L], shapes["up.weight"]);
        Assert.Equal(4, adapter.Hidden);
    }

    [Fact]
    public void Constructor_ReductionAboveDim_KeepsOneHiddenUnit()
    {
        using var adapter = new BottleneckAdapter(8, reduction: 16);

        Assert.Equal(1, adapter.Hidden);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Engine.Seed(31);
        using var adapter = new BottleneckAdapter(8, reduction: 2);
        TestTensors.Randomize(adapter, 0.5);
        using var x = randn(2, 3, 8);

        GradientCheck.AssertModuleGradients(adapter, x, ["down.weight", "down.bias", "up.weight", "up.bias"]);
    }
}
