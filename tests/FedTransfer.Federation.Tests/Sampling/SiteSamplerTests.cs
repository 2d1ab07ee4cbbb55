using FedTransfer.Federation.Sampling;

namespace FedTransfer.Federation.Tests.Sampling;

public class SiteSamplerTests
{
    private static readonly string[] Sites = Enumerable.Range(0, 20).Select(i => $"site-{i:00}").ToArray();

    [Fact]
    public void Sample_SameSeedAndRound_SameSitesWhateverTheOrder()
    {
        var a = SiteSampler.Sample(Sites, 0.3, 2, runSeed: 7, round: 3);
        var b = SiteSampler.Sample(Sites.Reverse(), 0.3, 2, runSeed: 7, round: 3);

        Assert.Equal(a.SiteIds, b.SiteIds);
        Assert.Equal(6, a.SiteIds.Count);
    }

    [Fact]
    public void Sample_DifferentRoundsOrSeeds_ChooseDifferently()
    {
        var rounds = Enumerable.Range(1, 5).Select(r => string.Join(",", SiteSampler.Sample(Sites, 0.25, 1, 7, r).SiteIds)).ToArray();
        var otherSeed = string.Join(",", SiteSampler.Sample(Sites, 0.25, 1, 8, 1).SiteIds);

        Assert.True(rounds.Distinct().Count() >= 4);
        Assert.NotEqual(rounds[0], otherSeed);
    }

    [Theory]
    [InlineData(0.1, 1, 2)]
    [InlineData(0.1, 5, 5)]
    [InlineData(1.0, 1, 20)]
    [InlineData(0.51, 1, 11)]
    public void Sample_Count_IsFractionWithMinimum(double fraction, int min, int expected)
    {
        Assert.Equal(expected, SiteSampler.Sample(Sites, fraction, min, 1, 1).SiteIds.Count);
    }

    [Fact]
    public void Sample_FewerThanMinimum_ReportsShortfall()
    {
        var selection = SiteSampler.Sample(["a", "b"], 1.0, 3, 1, 4);

        Assert.Empty(selection.SiteIds);
        Assert.Equal("round 4: 2 site(s) available, at least 3 needed", selection.Shortfall);
    }

    [Fact]
    public void Sample_Duplicates_CountOnce()
    {
        Assert.Equal(["a", "b"], SiteSampler.Sample(["b", "a", "b"], 1.0, 1, 1, 1).SiteIds);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Sample_InvalidFraction_Throws(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SiteSampler.Sample(Sites, fraction, 1, 1, 1));
    }
}
