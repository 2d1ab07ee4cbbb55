using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedAvgTests
{
    private static readonly RoundSettings Settings = new(0.5, 2, new TrainConfig(2, 32, 1e-3, 0.0, Seed: 42));

    private static SiteTrainResult Result(string site, IReadOnlyList<TensorRecord> delta, long examples, double loss = 1.0) =>
        new(site, examples, new Dictionary<string, double> { ["train_loss"] = loss }, () => Deltas.ForwardOnly(Deltas.Bytes(delta)));

    [Fact]
    public void Aggregate_UnequalWeights_MatchesReference()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, seed: 1);
        var deltas = new[] { Deltas.Random(set, 2, 0.05f), Deltas.Random(set, 3, 0.05f), Deltas.Random(set, 4, 0.05f) };
        long[] examples = [12, 900, 85];
        var results = deltas.Select((d, i) => Result($"site-{i}", d, examples[i])).ToArray();

        var outcome = new FedAvg().AggregateTrain(1, new GlobalAdapter(set, global), results, []);

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        var reference = NaiveFedAvg.Compute(global, deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)d, examples[i])).ToArray());
        NaiveFedAvg.AssertMatches(reference, outcome.NewGlobal!);
        // Weights matter: the unweighted mean is measurably different from what FedAvg produced.
        var unweighted = NaiveFedAvg.Compute(global, deltas.Select(d => ((IReadOnlyList<TensorRecord>)d, 1L)).ToArray());
        var head = outcome.NewGlobal!.Single(t => t.Name == "head.weight").ToSingles();
        Assert.Contains(head.Select((v, i) => Math.Abs(v - unweighted["head.weight"][i])), d => d > 1e-3);
        Assert.Equal(3, outcome.ResultsUsed);
    }

    [Fact]
    public void Aggregate_ServerLearningRate_ScalesTheStep()
    {
        var set = Deltas.Set(("w", DType.Float32, [3]));
        var global = new[] { TensorRecord.FromSingles("w", [1f, 2f, 3f], DType.Float32, 3) };
        var delta = new[] { TensorRecord.FromSingles("w", [1f, -1f, 0.5f], DType.Float32, 3) };

        var outcome = new FedAvg(new Dictionary<string, string> { ["server_lr"] = "0.5" })
            .AggregateTrain(1, new GlobalAdapter(set, global), [Result("a", delta, 4)], []);

        Assert.Equal([1.5f, 1.5f, 3.25f], outcome.NewGlobal!.Single().ToSingles());
    }

    [Fact]
    public void Aggregate_Metrics_AreExampleWeighted()
    {
        var set = Deltas.Set(("w", DType.Float32, [1]));
        var global = Deltas.Random(set, 1);

        var outcome = new FedAvg().AggregateTrain(1, new GlobalAdapter(set, global),
            [Result("a", Deltas.Random(set, 2), 1, loss: 4.0), Result("b", Deltas.Random(set, 3), 3, loss: 0.0)], []);

        Assert.Equal(1.0, outcome.Metrics["train_loss"], 12);
    }

    [Fact]
    public void Aggregate_NoResults_FailsWithReason()
    {
        var set = Deltas.Mixed();

        var outcome = new FedAvg().AggregateTrain(3, new GlobalAdapter(set, Deltas.Random(set, 1)), [], [new SiteFailure("a", "timed out")]);

        Assert.False(outcome.Succeeded);
        Assert.Contains("round 3", outcome.FailureReason);
        Assert.Contains("no valid update", outcome.FailureReason);
    }

    [Fact]
    public void Aggregate_FailuresNotAccepted_Fails()
    {
        var set = Deltas.Mixed();
        var strategy = new FedAvg(new Dictionary<string, string> { ["accept_failures"] = "false" });

        var outcome = strategy.AggregateTrain(2, new GlobalAdapter(set, Deltas.Random(set, 1)),
            [Result("a", Deltas.Random(set, 2), 5)], [new SiteFailure("b", "tensor 'x' element 0 is NaN")]);

        Assert.False(outcome.Succeeded);
        Assert.Contains("accept_failures=false", outcome.FailureReason);
        Assert.Contains("b:", outcome.FailureReason);
    }

    [Fact]
    public void Accumulator_AddAfterComplete_Throws()
    {
        var set = Deltas.Set(("w", DType.Float32, [1]));
        var accumulator = new FedAvg().BeginAggregateTrain(1, new GlobalAdapter(set, Deltas.Random(set, 1)));
        accumulator.Add(Result("a", Deltas.Random(set, 2), 1));
        accumulator.Complete([]);

        Assert.Throws<InvalidOperationException>(() => accumulator.Add(Result("b", Deltas.Random(set, 3), 1)));
    }

    [Fact]
    public void ConfigureTrain_SamplesFractionWithMinimumAndDerivesSeeds()
    {
        var sites = Enumerable.Range(0, 10).Select(i => new SiteCandidate($"site-{i}", 100, 10)).ToArray();

        var plan = new FedAvg().ConfigureTrain(4, sites, Settings);

        Assert.Null(plan.Shortfall);
        Assert.Equal(5, plan.Assignments.Count);
        Assert.Equal(5, plan.Assignments.Select(a => a.Config.Seed).Distinct().Count());
        Assert.All(plan.Assignments, a => Assert.Equal(Settings.BaseConfig with { Seed = a.Config.Seed }, a.Config));
        Assert.Equal(plan.Assignments.Select(a => a.SiteId), new FedAvg().ConfigureTrain(4, sites.Reverse().ToArray(), Settings).Assignments.Select(a => a.SiteId));
    }

    [Fact]
    public void ConfigureTrain_SitesWithoutTrainData_AreNotEligible()
    {
        var sites = new[] { new SiteCandidate("a", 0, 10), new SiteCandidate("b", 5, 10) };

        var plan = new FedAvg().ConfigureTrain(1, sites, Settings);

        Assert.Empty(plan.Assignments);
        Assert.Contains("1 site(s) available, at least 2 needed", plan.Shortfall);
    }

    [Fact]
    public void ConfigureEvaluate_TakesEverySiteWithValidationData()
    {
        var sites = new[] { new SiteCandidate("a", 5, 0), new SiteCandidate("b", 5, 10), new SiteCandidate("c", 5, 3) };

        var selection = new FedAvg().ConfigureEvaluate(1, sites, Settings);

        Assert.Equal(["b", "c"], selection.SiteIds);
    }

    [Fact]
    public void AggregateEvaluate_WeightsByExamples()
    {
        var results = new[]
        {
            new SiteEvaluation("a", 100, new Dictionary<string, double> { ["val_accuracy"] = 0.9 }),
            new SiteEvaluation("b", 300, new Dictionary<string, double> { ["val_accuracy"] = 0.5 }),
        };

        var outcome = new FedAvg().AggregateEvaluate(2, results, []);

        Assert.Equal(0.6, outcome.Metrics["val_accuracy"], 12);
        Assert.Equal(400, outcome.ExampleCount);
        Assert.Null(outcome.FailureReason);
    }

    [Fact]
    public void AggregateEvaluate_NoResults_SaysWhy()
    {
        var outcome = new FedAvg().AggregateEvaluate(2, [], [new SiteFailure("a", "offline")]);

        Assert.Contains("no site returned an evaluation", outcome.FailureReason);
    }

    [Fact]
    public void Create_InvalidSetting_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => new FedAvg(new Dictionary<string, string> { ["server_lr"] = "-1" }));

        Assert.Contains("server_lr", e.Message);
    }
}
