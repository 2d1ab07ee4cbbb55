using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class DatasetTests
{
    /// <summary>n rows of 2 features where row i = [i, -i] and label i % classes, so rows can be traced.</summary>
    private static Dataset Traceable(int n, int classes = 3) => new(
        Enumerable.Range(0, n).SelectMany(i => new[] { (float)i, -(float)i }).ToArray(),
        [2],
        Enumerable.Range(0, n).Select(i => (long)(i % classes)).ToArray(),
        classes);

    [Fact]
    public void Constructor_SizesDisagree_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new Dataset(new float[5], [2], new long[3]));

        Assert.Contains("5 features are not 3 rows of 2", e.Message);
    }

    [Fact]
    public void Constructor_LabelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(new float[2], [1], [0, 4], numClasses: 3));
    }

    [Fact]
    public void Subset_CopiesRowsAndLabelsInOrder()
    {
        var data = Traceable(10);

        var sub = data.Subset([7, 2, 7]);

        Assert.Equal([7f, -7f, 2f, -2f, 7f, -7f], sub.Features.ToArray());
        Assert.Equal([1L, 2L, 1L], sub.Labels.ToArray());
        Assert.Equal(3, sub.NumClasses);
    }

    [Fact]
    public void Subset_IndexOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Traceable(4).Subset([4]));
    }

    [Fact]
    public void Split_DisjointCoveringAndDeterministic()
    {
        var data = Traceable(101);

        var (train, val) = data.Split(0.2, seed: 5);
        var (train2, val2) = data.Split(0.2, seed: 5);
        var (_, val3) = data.Split(0.2, seed: 6);

        Assert.Equal(20, val.Count);
        Assert.Equal(81, train.Count);
        var ids = train.Features.ToArray().Where((_, i) => i % 2 == 0).Concat(val.Features.ToArray().Where((_, i) => i % 2 == 0));
        Assert.Equal(Enumerable.Range(0, 101).Select(i => (float)i), ids.Order());
        Assert.Equal(val.Features.ToArray(), val2.Features.ToArray());
        Assert.Equal(train.Labels.ToArray(), train2.Labels.ToArray());
        Assert.NotEqual(val.Features.ToArray(), val3.Features.ToArray());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_BadFraction_Throws(double fraction)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Traceable(4).Split(fraction, 1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Batches_CoverEveryRowExactlyOncePerEpoch(bool shuffle)
    {
        var data = Traceable(103);

        var batches = data.Batches(10, shuffle, seed: 9).ToList();
        var seen = batches.SelectMany(b => b.Features.ToArray().Where((_, i) => i % 2 == 0)).ToArray();

        Assert.Equal(11, batches.Count);
        Assert.Equal(3, batches[^1].Count);
        Assert.Equal(new long[] { 3, 2 }, batches[^1].Shape);
        Assert.Equal(Enumerable.Range(0, 103).Select(i => (float)i), seen.Order());
        Assert.All(batches, b => Assert.Equal(b.Count, b.Labels.Length));
        var labelsMatch = batches.SelectMany(b => b.Features.ToArray().Where((_, i) => i % 2 == 0).Zip(b.Labels.ToArray()));
        Assert.All(labelsMatch, p => Assert.Equal((long)p.First % 3, p.Second));
        Assert.Equal(!shuffle, seen.SequenceEqual(seen.Order()));
    }

    [Fact]
    public void Batches_ShuffledSameSeed_SameOrder_OtherSeed_Differs()
    {
        var data = Traceable(50);

        float[] Order(ulong seed) => data.Batches(8, shuffle: true, seed).SelectMany(b => b.Features.ToArray()).ToArray();

        Assert.Equal(Order(1), Order(1));
        Assert.NotEqual(Order(1), Order(2));
    }

    [Fact]
    public void Batches_DropLast_SkipsShortBatch()
    {
        var batches = Traceable(25).Batches(10, shuffle: false, dropLast: true).ToList();

        Assert.Equal([10, 10], batches.Select(b => b.Count));
    }

    [Fact]
    public void Sample_TakesRequestedCountDeterministically()
    {
        var data = Traceable(40);

        var a = data.Sample(12, seed: 3);
        var b = data.Sample(12, seed: 3);

        Assert.Equal(12, a.Count);
        Assert.Equal(a.Features.ToArray(), b.Features.ToArray());
        Assert.Equal(12, a.Features.ToArray().Where((_, i) => i % 2 == 0).Distinct().Count());
    }

    [Fact]
    public void Concat_AppendsRowsAndKeepsClasses()
    {
        var a = Traceable(3);
        var b = Traceable(2, classes: 5);

        var all = Dataset.Concat([a, b]);

        Assert.Equal(5, all.Count);
        Assert.Equal(5, all.NumClasses);
        Assert.Equal([0L, 1L, 2L, 0L, 1L], all.Labels.ToArray());
    }

    [Fact]
    public void ClassCounts_CountsEachLabel()
    {
        Assert.Equal([4, 3, 3], Traceable(10).ClassCounts());
    }
}
