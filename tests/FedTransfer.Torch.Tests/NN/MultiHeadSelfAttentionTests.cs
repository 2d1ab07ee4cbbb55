using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

public sealed class MultiHeadSelfAttentionTests
{
    [Fact]
    public void NamedParameters_FollowTimmLayout()
    {
        using var attention = new MultiHeadSelfAttention(8, 2);

        var shapes = attention.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor.Shape);

        Assert.Equal(["qkv.weight", "qkv.bias", "proj.weight", "proj.bias"], shapes.Keys);
        Assert.Equal([24L, 8L], shapes["qkv.weight"]);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(6);
        using var attention = new MultiHeadSelfAttention(8, 2);
        TestTensors.Randomize(attention, 0.5);
        using var x = Tensor.Randn([2, 5, 8]);

        GradientCheck.AssertModuleGradients(attention, x, ["qkv.weight", "qkv.bias", "proj.weight"]);
    }

    [Fact]
    public void Forward_TokensArePermutationEquivariant()
    {
        // Without position information, attention must treat tokens as a set: swapping two tokens swaps two outputs.
        Torch.ManualSeed(7);
        using var attention = new MultiHeadSelfAttention(8, 4);
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([1, 3, 8]);
        var swapped = x.IndexSelect(1, Tensor.From([2L, 1L, 0L], 3));

        var y = attention.Forward(x);
        var ySwapped = attention.Forward(swapped).IndexSelect(1, Tensor.From([2L, 1L, 0L], 3));

        Assert.True(TestTensors.MaxAbsDiff(y, ySwapped) < 1e-5);
    }

    [Fact]
    public void Forward_WrongWidth_ThrowsNamingExpectedShape()
    {
        using var attention = new MultiHeadSelfAttention(8, 2);
        using var x = Tensor.Zeros([2, 5, 6]);

        var error = Assert.Throws<ArgumentException>(() => attention.Forward(x));

        Assert.Contains("[batch, tokens, 8]", error.Message);
    }

    [Fact]
    public void Constructor_HeadsNotDividingWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MultiHeadSelfAttention(10, 4));
    }
}
