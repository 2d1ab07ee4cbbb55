using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Tests.Strategies;

public class MetricAveragerTests
{
    private static IReadOnlyDictionary<string, double> M(params (string Key, double Value)[] values) => values.ToDictionary(v => v.Key, v => v.Value);

    [Fact]
    public void WeightedMeans_UnequalWeights_MatchHandComputation()
    {
        var means = MetricAverager.WeightedMeans([(10, M(("loss", 1.0))), (30, M(("loss", 3.0)))]);

        Assert.Equal(2.5, means["loss"], 12);
    }

    [Fact]
    public void WeightedMeans_KeyMissingSomewhere_AveragesOverReporters()
    {
        var means = MetricAverager.WeightedMeans([(10, M(("loss", 1.0), ("acc", 0.5))), (30, M(("loss", 3.0)))]);

        Assert.Equal(0.5, means["acc"], 12);
    }

    [Fact]
    public void WeightedMeans_SkipsNonFiniteValuesAndNonPositiveWeights()
    {
        var means = MetricAverager.WeightedMeans([(10, M(("loss", double.NaN))), (0, M(("loss", 9.0))), (5, M(("loss", 2.0)))]);

        Assert.Equal(2.0, means["loss"], 12);
    }

    [Fact]
    public void WeightedMeans_Empty_IsEmpty()
    {
        Assert.Empty(MetricAverager.WeightedMeans([]));
    }
}
