using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Tests.Strategies;

public class StrategyRegistryTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("FedAvg")]
    [InlineData(" fedavg ")]
    public void Create_FedAvgNames_GiveFedAvg(string? name)
    {
        Assert.IsType<FedAvg>(StrategyRegistry.Create(name, null));
    }

    [Fact]
    public void Create_PassesSettings()
    {
        var strategy = (FedAvg)StrategyRegistry.Create("fedavg", new Dictionary<string, string> { ["server_lr"] = "2" });

        Assert.Equal(2.0, strategy.ServerLearningRate);
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingAvailable()
    {
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.Create("fedyogi", null));

        Assert.Contains("'fedyogi'", e.Message);
        Assert.Contains("fedavg", e.Message);
    }
}
