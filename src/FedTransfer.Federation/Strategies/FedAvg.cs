using FedTransfer.Federation.Sampling;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Federated Averaging (McMahan, Moore, Ramage, Hampson, Agüera y Arcas, "Communication-Efficient Learning of Deep
/// Networks from Decentralized Data", AISTATS 2017), on deltas: new_global = global + η · Σ nᵢ·δᵢ / Σ nᵢ, where δᵢ is
/// site i's local − global and nᵢ its example count; η (server_lr) = 1 is the paper's algorithm. Aggregation streams
/// (see <see cref="WeightedDeltaAccumulator"/>), so memory is one adapter whatever the number of sites.
/// Settings: <c>server_lr</c> (default 1, in (0, 10]); <c>accept_failures</c> (default true: aggregate whatever valid
/// results arrived; false: any failed site fails the round).
/// </summary>
public sealed class FedAvg : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedavg";

    /// <summary>Creates FedAvg from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedAvg(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "server_lr", "accept_failures");
        ServerLearningRate = s.Double("server_lr", 1.0, double.Epsilon, 10.0);
        AcceptFailures = s.Boolean("accept_failures", true);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>η: how far the global adapter moves towards the weighted mean of the sites' deltas.</summary>
    public double ServerLearningRate { get; }

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings)
    {
        var eligible = available.Where(s => s.TrainExamples > 0).Select(s => s.SiteId);
        var selection = SiteSampler.Sample(eligible, settings.Fraction, settings.MinSites, settings.BaseConfig.Seed, round);
        if (selection.Shortfall is not null) return new TrainPlan([], selection.Shortfall + " with training examples");
        var assignments = selection.SiteIds
            .Select(id => new TrainAssignment(id, settings.BaseConfig with { Seed = SeedDerivation.ForTask(settings.BaseConfig.Seed, round, id) }))
            .ToArray();
        return new TrainPlan(assignments, null);
    }

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new MeanDeltaAccumulator(round, global, AcceptFailures, sums => (sums.ApplyMean(global.Tensors, ServerLearningRate), []));

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings)
    {
        // Every site with validation data evaluates: the metric should describe the whole federation, and it is cheap.
        var eligible = available.Where(s => s.ValidationExamples > 0).Select(s => s.SiteId);
        return SiteSampler.Sample(eligible, 1.0, 1, settings.BaseConfig.Seed, round);
    }

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures)
    {
        var usable = results.Where(r => r.ExampleCount > 0).ToArray();
        if (usable.Length == 0)
            return new EvaluationAggregation(new Dictionary<string, double>(), 0, 0, $"round {round}: no site returned an evaluation ({failures.Count} failed)");
        var means = MetricAverager.WeightedMeans(usable.Select(r => (r.ExampleCount, r.Metrics)));
        return new EvaluationAggregation(means, usable.Sum(r => r.ExampleCount), usable.Length, null);
    }
}
