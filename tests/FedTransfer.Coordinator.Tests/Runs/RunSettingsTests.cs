using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunSettingsTests
{
    private static StartRunRequest Valid() => new()
    {
        FederationId = "fed-1", Rounds = 10, MinSites = 2, RoundTimeoutSeconds = 60, EvalEvery = 3,
        HyperParameters = new HyperParameters { Epochs = 2, BatchSize = 32, LearningRate = 1e-3, FedproxMu = 0.01, Seed = 5 },
    };

    [Fact]
    public void Parse_FillsDefaults_AndRoundTripsThroughTheRequest()
    {
        var settings = RunSettings.Parse(Valid());

        Assert.Equal(("fedavg", 1.0), (settings.Strategy, settings.Fraction));
        var again = RunSettings.Parse(settings.ToRequest("fed-1"));
        Assert.Equal(settings.Train, again.Train);
        Assert.Equal((settings.Rounds, settings.MinSites, settings.RoundTimeout, settings.EvalEvery), (again.Rounds, again.MinSites, again.RoundTimeout, again.EvalEvery));
    }

    [Theory]
    [InlineData(UpdateEncoding.Float32, DeltaEncoding.Float32)]
    [InlineData(UpdateEncoding.Bfloat16, DeltaEncoding.BFloat16)]
    [InlineData(UpdateEncoding.AffineInt8, DeltaEncoding.AffineInt8)]
    public void Parse_UpdateEncoding_IsKeptThroughTheStoredRequest(UpdateEncoding wire, DeltaEncoding expected)
    {
        var request = Valid();
        request.UpdateEncoding = wire;

        var settings = RunSettings.Parse(request);

        Assert.Equal(expected, settings.Encoding);
        Assert.Equal(wire, settings.ToRequest("fed-1").UpdateEncoding);
    }

    [Fact]
    public void Parse_UnknownUpdateEncoding_ListsTheKnownOnes()
    {
        var request = Valid();
        request.UpdateEncoding = (UpdateEncoding)9;

        var e = Assert.Throws<ArgumentException>(() => RunSettings.Parse(request));

        Assert.Contains("update_encoding 9 is unknown", e.Message);
        Assert.Contains("int8", e.Message);
    }

    [Fact]
    public void CreateStrategy_ExactLoraSpec_WrapsFedAvg()
    {
        var settings = RunSettings.Parse(Valid());

        Assert.IsType<ExactLoraStrategy>(settings.CreateStrategy("lora:r=4,agg=exact"));
        Assert.IsType<FedAvg>(settings.CreateStrategy("lora:r=4,agg=frozen-a"));
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(6, true)]
    [InlineData(10, true)]
    [InlineData(4, false)]
    public void EvaluatesAfter_EveryNthAndTheLast(int round, bool expected)
    {
        Assert.Equal(expected, RunSettings.Parse(Valid()).EvaluatesAfter(round));
    }

    public static TheoryData<Action<StartRunRequest>, string> Invalid => new()
    {
        { r => r.Fraction = 1.5, "fraction must be in (0, 1]" },
        { r => r.MinSites = 0, "min_sites must be at least 1" },
        { r => r.RoundTimeoutSeconds = 0, "round_timeout_seconds" },
        { r => r.EvalEvery = -1, "eval_every" },
        { r => r.HyperParameters = null, "hyper_parameters must be set" },
        { r => r.HyperParameters.Epochs = 0, "epochs" },
        { r => r.HyperParameters.LearningRate = double.NaN, "learning_rate" },
        { r => r.HyperParameters.LearningRate = 1e6, "learning_rate must be a number in (0, 10]" },
        { r => r.HyperParameters.Epochs = 1_000_000, "epochs must be between 1 and 1000" },
        { r => r.HyperParameters.BatchSize = 1 << 20, "batch_size must be between 1 and 65536" },
        { r => r.HyperParameters.FedproxMu = -1, "fedprox_mu" },
        { r => r.StrategySettings["server_lr"] = "fast", "server_lr" },
        { r => { r.Strategy = "krum"; r.StrategySettings.Clear(); r.StrategySettings["f"] = "1"; r.MinSites = 4; }, "min_sites 4 is too low for the strategy: krum with f=1 needs more than 2f+2 = 4" },
        { r => { r.Strategy = "multikrum"; r.StrategySettings.Clear(); r.StrategySettings["f"] = "2"; r.MinSites = 5; }, "min_sites 5 is too low" },
    };

    [Fact]
    public void Parse_KrumWithEnoughMinSites_IsAccepted()
    {
        var request = Valid();
        request.Strategy = "krum";
        request.StrategySettings.Clear();
        request.StrategySettings["f"] = "1";
        request.MinSites = 5;

        Assert.Equal("krum", RunSettings.Parse(request).Strategy);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_Invalid_ThrowsNamingTheField(Action<StartRunRequest> spoil, string expected)
    {
        var request = Valid();
        spoil(request);

        var e = Assert.Throws<ArgumentException>(() => RunSettings.Parse(request));

        Assert.Contains(expected, e.Message);
    }
}
