using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class TransformerEncoderBlockTests
{
    [Fact]
    public void NamedParameters_PreNormLayout()
    {
        using var block = new TransformerEncoderBlock(8, 2, mlpRatio: 2);

        var names = block.named_parameters().Select(p => p.name).ToArray();

        Assert.Equal(["norm1.weight", "norm1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias",
            "norm2.weight", "norm2.bias", "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"], names);
        Assert.Equal([16L, 8L], block.named_parameters().Single(p => p.name == "mlp.fc1.weight").parameter.shape);
    }

    [Fact]
    public void AttachAdapters_IdentityAdapters_KeepOutput()
    {
        Engine.Seed(8);
        using var block = new TransformerEncoderBlock(8, 2);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 8);
        var before = block.call(x);

        block.AttachAdapters(new BottleneckAdapter(8, 4), new BottleneckAdapter(8, 4));
        var after = block.call(x);

        Assert.True(block.HasAdapters);
        Assert.Equal(0, TestTensors.MaxAbsDiff(before, after));
        Assert.Contains("adapter_mlp.up.weight", block.named_parameters().Select(p => p.name));
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
        Engine.Seed(9);
        using var block = new TransformerEncoderBlock(8, 2, mlpRatio: 2);
        TestTensors.Randomize(block, 0.3);
        using var x = randn(1, 3, 8);

        GradientCheck.AssertModuleGradients(block, x, ["norm1.weight", "attn.qkv.weight", "mlp.fc2.weight"]);
    }
}
