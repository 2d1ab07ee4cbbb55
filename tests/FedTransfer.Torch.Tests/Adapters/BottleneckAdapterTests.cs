using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.Adapters;

public sealed class BottleneckAdapterTests
{
    [Fact]
    public void Forward_FreshAdapter_IsIdentity()
    {
        Torch.ManualSeed(30);
        using var adapter = new BottleneckAdapter(16, reduction: 4);
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([2, 3, 16]);

        var y = adapter.Forward(x);

        Assert.Equal(x.ToArray<float>(), y.ToArray<float>());
    }

    [Fact]
    public void NamedParameters_DownToDimOverReductionAndBack()
    {
        using var adapter = new BottleneckAdapter(16, reduction: 4);

        var shapes = adapter.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Shape);

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
        Torch.ManualSeed(31);
        using var adapter = new BottleneckAdapter(8, reduction: 2);
        TestTensors.Randomize(adapter, 0.5);
        using var x = Tensor.Randn([2, 3, 8]);

        GradientCheck.AssertModuleGradients(adapter, x, ["down.weight", "down.bias", "up.weight", "up.bias"]);
    }
}
