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
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.Create("fedsgd", null));

        Assert.Contains("'fedsgd'", e.Message);
        Assert.Contains("fedavg, fedavgm, fedprox, fedadagrad, fedadam, fedyogi, median, trimmed_mean, krum, multikrum", e.Message);
    }

    [Theory]
    [InlineData("fedavg", typeof(FedAvg), "server_lr=0.5", "accept_failures=false")]
    [InlineData("fedavgm", typeof(FedAvgM), "momentum=0.5", "server_lr=0.9")]
    [InlineData("fedprox", typeof(FedProx), "mu=0.1")]
    [InlineData("fedadagrad", typeof(FedAdagrad), "eta=0.1", "beta1=0", "tau=1e-4")]
    [InlineData("fedadam", typeof(FedAdam), "eta=0.1", "beta1=0.8", "beta2=0.999", "tau=1e-4")]
    [InlineData("FedYogi", typeof(FedYogi), "eta=0.1", "beta2=0.9")]
    [InlineData("median", typeof(CoordinateMedian))]
    [InlineData("trimmed_mean", typeof(TrimmedMean), "beta=0.1")]
    [InlineData("krum", typeof(Krum), "f=2")]
    [InlineData("multikrum", typeof(MultiKrum), "f=1", "m=3")]
    public void ParseSettings_RunStartText_CreatesTheNamedStrategy(string name, Type type, params string[] pairs)
    {
        var settings = StrategyRegistry.ParseSettings(name, pairs);
        var strategy = StrategyRegistry.Create(name, settings);

        Assert.IsType(type, strategy);
        Assert.Equal(pairs.Length, settings.Count);
        Assert.Contains(strategy.Name, StrategyRegistry.Names);
    }

    [Fact]
    public void ParseSettings_ClipNorm_WrapsAnyStrategyInANormBound()
    {
        var strategy = StrategyRegistry.Create("krum", StrategyRegistry.ParseSettings("krum", ["f=1", "clip_norm=2.5"]));

        var bound = Assert.IsType<NormBound>(strategy);
        Assert.Equal(2.5, bound.ClipNorm);
        Assert.Equal(1, Assert.IsType<Krum>(bound.Inner).F);
        Assert.Equal("krum", strategy.Name);
    }

    [Theory]
    [InlineData("fedadam", "beta2=1", "fedadam setting 'beta2' must be a number in [0, 0.999999], got '1'")]
    [InlineData("fedadam", "momentum=0.9", "unknown fedadam setting 'momentum'; known settings: eta, beta1, beta2, tau, accept_failures, clip_norm")]
    [InlineData("krum", "f=1.5", "krum setting 'f' must be a whole number in [0, 1000], got '1.5'")]
    [InlineData("median", "clip_norm=-1", "median setting 'clip_norm' must be a positive number (the largest L2 norm an update keeps), got '-1'")]
    [InlineData("fedavg", "server_lr", "setting 'server_lr' is not key=value; e.g. --setting server_lr=0.5")]
    [InlineData("fedavgm", "momentum", "setting 'momentum' is not key=value; e.g. --setting server_lr=0.5")]
    public void ParseSettings_InvalidText_GivesOneLineError(string name, string pair, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.ParseSettings(name, [pair]));

        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ParseSettings_KeyTwice_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => StrategyRegistry.ParseSettings("fedavg", ["server_lr=1", "server_lr=2"]));

        Assert.Equal("setting 'server_lr' is given twice; give it once", e.Message);
    }

    [Fact]
    public void Describe_ListsEveryStrategyWithItsSettings()
    {
        var text = StrategyRegistry.Describe();

        Assert.All(StrategyRegistry.Names, name => Assert.Contains(name + ":", text));
        Assert.Contains("clip_norm", text);
        Assert.Contains("beta2=0.99", text);
    }
}
