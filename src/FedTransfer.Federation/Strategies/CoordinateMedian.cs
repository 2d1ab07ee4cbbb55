using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards Optimal
/// Statistical Rates", ICML 2018): every element of the new global adapter is the global value plus the median of that
/// element over the sites' deltas (the mean of the two middle values for an even count). Unweighted, as in the paper:
/// example counts are the sites' own claims, and weighting by them would let one site buy the median.
/// No server learning rate: scaling the median would undo its robustness bound. It tolerates fewer than half the
/// sites being arbitrary. Settings: <c>accept_failures</c> (default true).
/// Memory: all n deltas of one tensor at a time (n × the largest tensor, float32), each re-read from its stored payload.
/// </summary>
public sealed class CoordinateMedian : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "median";

    /// <summary>Creates the median strategy from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public CoordinateMedian(IReadOnlyDictionary<string, string>? settings = null) =>
        AcceptFailures = new StrategySettings(StrategyName, settings, "accept_failures").Boolean("accept_failures", true);

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <summary>output[k] = median over i of values[i][k].</summary>
    public static void Aggregate(IReadOnlyList<float[]> values, Span<float> output)
    {
        var n = values.Count;
        if (n == 0) throw new ArgumentException("the median of no values is undefined");
        var column = new float[n];
        for (var k = 0; k < output.Length; k++)
        {
            for (var i = 0; i < n; i++) column[i] = values[i][k];
            Array.Sort(column);
            output[k] = n % 2 == 1 ? column[n / 2] : (float)(((double)column[n / 2 - 1] + column[n / 2]) / 2);
        }
    }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new BufferedResults(round, global, AcceptFailures, results => (RobustSteps.PerTensor(global, results, Aggregate), null));

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}
