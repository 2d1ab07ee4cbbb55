using FedTransfer.Federation.Strategies;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class StrategyModelsTests
{
    [Fact]
    public void TrainAggregation_Success_HasGlobalAndNoReason()
    {
        var outcome = TrainAggregation.Success([TensorRecord.FromSingles("w", [1f], DType.Float32, 1)], new Dictionary<string, double>(), 2);

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.FailureReason);
        Assert.Equal(2, outcome.ResultsUsed);
    }

    [Fact]
    public void TrainAggregation_Failure_HasReasonAndNoGlobal()
    {
        var outcome = TrainAggregation.Failure("round 1: nothing");

        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.NewGlobal);
        Assert.Equal("round 1: nothing", outcome.FailureReason);
    }

    [Fact]
    public void TrainConfig_WithSeed_KeepsOtherSettings()
    {
        var config = new TrainConfig(3, 16, 0.01, 0.1, 1);

        Assert.Equal(new TrainConfig(3, 16, 0.01, 0.1, 9), config with { Seed = 9 });
    }
}
