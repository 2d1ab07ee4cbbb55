using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class DirichletPartitionerTests
{
    private static readonly long[] Labels = Enumerable.Range(0, 5000).Select(i => (long)(i % 5)).ToArray();

    [Fact]
    public void Partition_EveryIndexExactlyOnce()
    {
        var parts = DirichletPartitioner.Partition(Labels, sites: 3, alpha: 0.5, seed: 1);

        Assert.Equal(3, parts.Length);
        Assert.Equal(Labels.Length, parts.Sum(p => p.Length));
        Assert.Equal(Enumerable.Range(0, Labels.Length), parts.SelectMany(p => p).Order());
        Assert.All(parts, p => Assert.Equal(p.Order(), p));
    }

    [Fact]
    public void Partition_SameSeedSame_OtherSeedDifferent()
    {
        var a = DirichletPartitioner.Partition(Labels, 3, 0.5, seed: 7);
        var b = DirichletPartitioner.Partition(Labels, 3, 0.5, seed: 7);
        var c = DirichletPartitioner.Partition(Labels, 3, 0.5, seed: 8);

        Assert.Equal(a, b);
        Assert.NotEqual(a.Select(p => p.Length), c.Select(p => p.Length));
    }

    [Fact]
    public void Partition_SmallerAlpha_MoreSkewedClassMix()
    {
        // Skew = mean over sites and seeds of the largest class share at that site (0.2 = perfectly balanced).
        static double Skew(double alpha) => Enumerable.Range(0, 10).Average(seed =>
            DirichletPartitioner.Partition(Labels, 4, alpha, (ulong)seed)
                .Where(p => p.Length > 0)
                .Average(p => p.GroupBy(i => Labels[i]).Max(g => g.Count()) / (double)p.Length));

        var skewed = Skew(0.1);
        var mild = Skew(1.0);
        var nearIid = Skew(100);

        Assert.True(skewed > mild && mild > nearIid, $"skew 0.1→{skewed:F3}, 1→{mild:F3}, 100→{nearIid:F3}");
        Assert.InRange(nearIid, 0.2, 0.3);
    }

    [Fact]
    public void Partition_MinPerSite_Honoured()
    {
        var parts = DirichletPartitioner.Partition(Labels, 5, 0.2, seed: 3, minPerSite: 200);

        Assert.All(parts, p => Assert.True(p.Length >= 200));
    }

    [Fact]
    public void Partition_ImpossibleMinimum_ThrowsWithAdvice()
    {
        var e = Assert.Throws<ArgumentException>(() => DirichletPartitioner.Partition(Labels, 3, 0.5, 1, minPerSite: 2000));

        Assert.Contains("exceed", e.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    public void Partition_BadAlpha_Throws(double alpha)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DirichletPartitioner.Partition(Labels, 3, alpha, 1));
    }

    [Fact]
    public void Split_DatasetsMatchPartition()
    {
        var data = new Dataset(Labels.Select(l => (float)l).ToArray(), [1], Labels);

        var sites = DirichletPartitioner.Split(data, 3, 0.5, seed: 2);

        Assert.Equal(Labels.Length, sites.Sum(s => s.Count));
        Assert.All(sites, s => Assert.Equal(s.Labels.ToArray().Select(l => (float)l), s.Features.ToArray()));
    }

    [Fact]
    public void CutPoints_SumToTotalAndMonotone()
    {
        var cuts = DirichletPartitioner.CutPoints([0.333, 0.333, 0.334], 10);

        Assert.Equal(0, cuts[0]);
        Assert.Equal(10, cuts[^1]);
        Assert.Equal(cuts.Order(), cuts);
    }
}
