using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

public sealed class TransformerEncoderBlockTests
{
    [Fact]
    public void NamedParameters_PreNormLayout()
    {
        using var block = new TransformerEncoderBlock(8, 2, mlpRatio: 2);

        var names = block.NamedParameters().Select(p => p.Name).ToArray();

        Assert.Equal(["norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
            "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"], names);
        Assert.Equal([16L, 8L], block.NamedParameters().Single(p => p.Name == "mlp.fc1.weight").Tensor.Shape);
    }

    [Fact]
    public void AttachAdapters_IdentityAdapters_KeepOutput()
    {
        Torch.ManualSeed(8);
        using var block = new TransformerEncoderBlock(8, 2);
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([2, 3, 8]);
        var before = block.Forward(x);

        block.AttachAdapters(new BottleneckAdapter(8, 4), new BottleneckAdapter(8, 4));
        var after = block.Forward(x);

        Assert.True(block.HasAdapters);
        Assert.Equal(0, TestTensors.MaxAbsDiff(before, after));
        Assert.Contains("adapter_mlp.up.weight", block.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void AttachAdapters_Twice_Throws()
    {
        using var block = new TransformerEncoderBlock(8, 2);
        block.AttachAdapters(new BottleneckAdapter(8, 4), new BottleneckAdapter(8, 4));
        using var a = new BottleneckAdapter(8, 4);
        using var b = new BottleneckAdapter(8, 4);

        Assert.Throws<InvalidOperationException>(() => block.AttachAdapters(a, b));
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(9);
        using var block = new TransformerEncoderBlock(8, 2, mlpRatio: 2);
        TestTensors.Randomize(block, 0.3);
        using var x = Tensor.Randn([1, 3, 8]);

        GradientCheck.AssertModuleGradients(block, x, ["norm1.weight", "attn.qkv.weight", "mlp.fc2.weight"]);
    }
}
