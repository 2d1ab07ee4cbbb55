using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class MultiHeadSelfAttentionTests
{
    [Fact]
    public void NamedParameters_FollowTimmLayout()
    {
        using var attention = new MultiHeadSelfAttention(8, 2);

        var shapes = attention.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal(["qkv.weight", "qkv.bias", "proj.weight", "proj.bias"], shapes.Keys);
        Assert.Equal([24L, 8L], shapes["qkv.weight"]);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Engine.Seed(6);
        using var attention = new MultiHeadSelfAttention(8, 2);
        TestTensors.Randomize(attention, 0.5);
        using var x = randn(2, 5, 8);

        GradientCheck.AssertModuleGradients(attention, x, ["qkv.weight", "qkv.bias", "proj.weight"]);
    }

    [Fact]
    public void Forward_TokensArePermutationEquivariant()
    {
        // Without position information, attention must treat tokens as a set: swapping two tokens swaps two outputs.
        Engine.Seed(7);
        using var attention = new MultiHeadSelfAttention(8, 4);
        using var scope = NewDisposeScope();
        var x = randn(1, 3, 8);
        var swapped = x.index_select(1, tensor(new[] { 2L, 1L, 0L }, [3]));

        var y = attention.call(x);
        var ySwapped = attention.call(swapped).index_select(1, tensor(new[] { 2L, 1L, 0L }, [3]));

        Assert.True(TestTensors.MaxAbsDiff(y, ySwapped) < 1e-5);
    }

    [Fact]
    public void Forward_WrongWidth_ThrowsNamingExpectedShape()
    {
        using var attention = new MultiHeadSelfAttention(8, 2);
        using var x = zeros(2, 5, 6);

        var error = Assert.Throws<ArgumentException>(() => attention.call(x));

        Assert.Contains("[batch, tokens, 8]", error.Message);
    }

    [Fact]
    public void Constructor_HeadsNotDividingWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttention(10, 4));
    }
}
