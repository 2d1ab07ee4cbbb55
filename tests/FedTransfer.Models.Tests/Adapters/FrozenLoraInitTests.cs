using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Adapters;

public sealed class FrozenLoraInitTests
{
    [Fact]
    public void Values_SameSeedAndPath_AreIdenticalEveryCall()
    {
        Assert.Equal(FrozenLoraInit.Values(3, "blocks.0.attn.qkv", 4, 16), FrozenLoraInit.Values(3, "blocks.0.attn.qkv", 4, 16));
    }

    [Fact]
    public void Values_OtherSeedOrPath_Differ()
    {
        var reference = FrozenLoraInit.Values(3, "blocks.0.attn.qkv", 4, 16);

        Assert.NotEqual(reference, FrozenLoraInit.Values(4, "blocks.0.attn.qkv", 4, 16));
        Assert.NotEqual(reference, FrozenLoraInit.Values(3, "blocks.1.attn.qkv", 4, 16));
    }

    [Fact]
    public void Values_AreUniformWithinTheKaimingBound()
    {
        var values = FrozenLoraInit.Values(0, "layer", 8, 64);
        var bound = 1 / Math.Sqrt(64);

        Assert.Equal(8 * 64, values.Length);
        Assert.All(values, v => Assert.InRange(v, -bound, bound));
        Assert.InRange(values.Average(), -0.02, 0.02);          // centred
        Assert.InRange(values.Max(), 0.9 * bound, bound);        // spread over the range
        Assert.InRange(values.Min(), -bound, -0.9 * bound);
    }

    [Fact]
    public void Values_KnownFirstElements_AreStableAcrossVersions()
    {
        // Sites on different machines and releases must draw the same A: pin the stream.
        var values = FrozenLoraInit.Values(1, "blocks.0.attn.qkv", 1, 4);

        Assert.Equal(values, FrozenLoraInit.Values(1, "blocks.0.attn.qkv", 1, 4));
        Assert.Equal(Pinned, values);
    }

    // Computed once from this implementation (9 significant digits round-trip a float exactly).
    private static readonly float[] Pinned = [0.169220641f, 0.0980263874f, -0.403091431f, 0.436569065f];
}
