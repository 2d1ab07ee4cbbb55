using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class GammaSamplerTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(4.5)]
    public void NextGamma_MeanAndVarianceEqualShape(double shape)
    {
        var rng = new SeededRandom(99);

        var xs = Enumerable.Range(0, 40_000).Select(_ => rng.NextGamma(shape)).ToArray();
        var mean = xs.Average();
        var variance = xs.Select(x => (x - mean) * (x - mean)).Average();

        Assert.All(xs, x => Assert.True(x >= 0));
        Assert.InRange(mean, shape * 0.97, shape * 1.03);
        Assert.InRange(variance, shape * 0.92, shape * 1.08);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void NextGamma_InvalidShape_Throws(double shape)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeededRandom(1).NextGamma(shape));
    }

    [Fact]
    public void NextDirichlet_SumsToOneWithExpectedMean()
    {
        var rng = new SeededRandom(4);

        var draws = Enumerable.Range(0, 5000).Select(_ => rng.NextDirichlet(0.5, 4)).ToArray();

        Assert.All(draws, p => Assert.Equal(1.0, p.Sum(), 1e-12));
        for (var k = 0; k < 4; k++) Assert.InRange(draws.Average(p => p[k]), 0.23, 0.27);
    }

    [Fact]
    public void NextDirichlet_TinyAlpha_PutsAllMassOnOneCategory()
    {
        var rng = new SeededRandom(2);

        var p = rng.NextDirichlet(1e-6, 5);

        Assert.Equal(1.0, p.Max(), 1e-9);
    }
}
