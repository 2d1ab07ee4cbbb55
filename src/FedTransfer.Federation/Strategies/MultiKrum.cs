namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine Tolerant
/// Gradient Descent", NeurIPS 2017, section 5): score every delta as <see cref="Krum"/> does, keep the m best and
/// average them (unweighted), trading some of Krum's robustness margin for the variance reduction of averaging.
/// Settings: <c>f</c> (default 1; a round needs n &gt; 2f + 2 results); <c>m</c>, how many deltas are averaged
/// (default 0 = n − f, the paper's choice; a round with fewer than m results fails); <c>accept_failures</c>
/// (default true). Memory as for Krum.
/// </summary>
public sealed class MultiKrum : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "multikrum";

    /// <summary>Creates Multi-Krum from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public MultiKrum(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "f", "m", "accept_failures");
        F = s.Int("f", 1, 0, 1000);
        M = s.Int("m", 0, 0, 100_000);
        AcceptFailures = s.Boolean("accept_failures", true);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>f: how many arbitrary (Byzantine) sites the round must tolerate.</summary>
    public int F { get; }

    /// <summary>m: how many best-scored deltas are averaged; 0 means n − f.</summary>
    public int M { get; }

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <summary>The m used with <paramref name="n"/> results.</summary>
    public int SelectedCount(int n) => M == 0 ? Math.Max(1, n - F) : M;

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new BufferedResults(round, global, AcceptFailures, results => Krum.Aggregate(StrategyName, global, results, F, SelectedCount(results.Count)));

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}
