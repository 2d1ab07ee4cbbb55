using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Tests.Strategies;

public class DefaultSelectionTests
{
    [Fact]
    public void EveryStrategy_SamplesAndEvaluatesLikeFedAvg()
    {
        var sites = Enumerable.Range(0, 8).Select(i => new SiteCandidate($"s{i}", i % 3, 10 - i)).ToArray();
        var settings = new RoundSettings(0.5, 2, new TrainConfig(1, 8, 0.01, 0, Seed: 9));
        var fedAvg = new FedAvg();

        foreach (var name in StrategyRegistry.Names.Where(n => n != FedProx.StrategyName))
        {
            var strategy = StrategyRegistry.Create(name, null);
            Assert.Equal(fedAvg.ConfigureTrain(3, sites, settings).Assignments, strategy.ConfigureTrain(3, sites, settings).Assignments);
            Assert.Equal(fedAvg.ConfigureEvaluate(3, sites, settings).SiteIds, DefaultSelection.ConfigureEvaluate(3, sites, settings).SiteIds);
        }
    }
}
