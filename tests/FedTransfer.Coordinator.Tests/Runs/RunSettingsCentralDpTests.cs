using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Federation.Privacy;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunSettingsCentralDpTests
{
    private static StartRunRequest WithCentralDp(double clip = 1.0, double z = 1.0, double budget = 8, double delta = 1e-5, string strategy = "fedavg",
        double fraction = 0.5)
    {
        var request = new StartRunRequest
        {
            FederationId = "fed-1", Rounds = 10, MinSites = 5, RoundTimeoutSeconds = 60, Strategy = strategy, Fraction = fraction,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 32, LearningRate = 1e-3, Seed = 5 },
            CentralDp = new CentralPrivacy { Clip = clip, NoiseMultiplier = z, EpsilonBudget = budget, Delta = delta },
        };
        return request;
    }

    [Fact]
    public void Parse_CentralDp_RoundTripsAndWrapsTheStrategy()
    {
        var settings = RunSettings.Parse(WithCentralDp(strategy: "fedadam"));

        Assert.Equal(new CentralDpSettings(1.0, 1.0, 8, 1e-5), settings.CentralDp);
        Assert.Equal(settings.CentralDp, RunSettings.Parse(settings.ToRequest("fed-1")).CentralDp);
        var strategy = Assert.IsType<CentralDpStrategy>(settings.CreateStrategy("lora:r=4,alpha=8,targets=attn.qkv"));
        Assert.Equal("fedadam", strategy.Name);
    }

    [Theory]
    [InlineData(0.0, 1.0, 8.0, 1e-5, "central_dp_clip must be a positive number")]
    [InlineData(1.0, 0.0, 8.0, 1e-5, "central_dp_noise_multiplier must be a positive number")]
    [InlineData(1.0, 1.0, -1.0, 1e-5, "central_dp_epsilon_budget must be a positive number")]
    [InlineData(1.0, 1.0, 8.0, 1.0, "central_dp_delta must be in (0, 1)")]
    [InlineData(1.0, 0.3, 1.0, 1e-5, "already spends epsilon")]
    public void Parse_BadCentralDp_IsOneLineNamingTheSetting(double clip, double z, double budget, double delta, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => RunSettings.Parse(WithCentralDp(clip, z, budget, delta)));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("median")]
    [InlineData("krum")]
    [InlineData("trimmed_mean")]
    public void Parse_CentralDpWithAStrategyThatNeedsEachUpdate_IsRefused(string strategy)
    {
        var error = Assert.Throws<ArgumentException>(() => RunSettings.Parse(WithCentralDp(strategy: strategy)));

        Assert.Contains("central DP adds noise to the sum", error.Message);
    }

    [Fact]
    public void Parse_CentralDpWithNormBoundOrExactLora_IsRefused()
    {
        var request = WithCentralDp();
        request.StrategySettings["clip_norm"] = "1.0";
        Assert.Contains("remove the clip_norm setting", Assert.Throws<ArgumentException>(() => RunSettings.Parse(request)).Message);

        var settings = RunSettings.Parse(WithCentralDp());
        Assert.Contains("agg=exact", Assert.Throws<ArgumentException>(() => settings.CreateStrategy("lora:r=4,alpha=8,targets=attn.qkv,agg=exact")).Message);
    }
}
