using FedTransfer.Federation.Sampling;

namespace FedTransfer.Federation.Tests.Sampling;

public class SeedDerivationTests
{
    [Fact]
    public void Mix_MatchesSplitMix64Reference()
    {
        // The first output of the reference SplitMix64 generator seeded with 0.
        Assert.Equal(0xE220A8397B1DCDAFUL, SeedDerivation.Mix(0));
    }

    [Fact]
    public void Hash_IsMixedFnv1a()
    {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (reference test vector).
        Assert.Equal(SeedDerivation.Mix(0xAF63DC4C8601EC8CUL), SeedDerivation.Hash("a"));
    }

    [Fact]
    public void ForTask_IsDeterministicNonNegativeAndDistinct()
    {
        var seeds = new[] { (1, "a"), (1, "b"), (2, "a"), (2, "b") }.Select(x => SeedDerivation.ForTask(42, x.Item1, x.Item2)).ToArray();

        Assert.Equal(seeds, new[] { (1, "a"), (1, "b"), (2, "a"), (2, "b") }.Select(x => SeedDerivation.ForTask(42, x.Item1, x.Item2)));
        Assert.All(seeds, s => Assert.True(s >= 0));
        Assert.Equal(4, seeds.Distinct().Count());
        Assert.NotEqual(SeedDerivation.ForTask(42, 1, "a"), SeedDerivation.ForTask(43, 1, "a"));
    }
}
