namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett, "Byzantine-Robust Distributed Learning: Towards
/// Optimal Statistical Rates", ICML 2018): for every element, drop the k = ⌊β·n⌋ largest and k smallest of the n
/// sites' deltas and average the rest; the new global is the old plus that. It tolerates up to k arbitrary sites.
/// Unweighted and without a server learning rate, as in the paper (claimed example counts and step scaling would
/// both hand an attacker back the influence the trimming removes).
/// Settings: <c>beta</c> β, the fraction trimmed at each end (default 0.2, in [0, 0.5): with 5 sites it trims one
/// each side; β = 0 is the plain unweighted mean); <c>accept_failures</c> (default true).
/// Memory: all n deltas of one tensor at a time (n × the largest tensor, float32), each re-read from its stored payload.
/// </summary>
public sealed class TrimmedMean : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "trimmed_mean";

    /// <summary>Creates the trimmed mean from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public TrimmedMean(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "beta", "accept_failures");
        Beta = s.Double("beta", 0.2, 0.0, 0.499_999);
        AcceptFailures = s.Boolean("accept_failures", true);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>β: the fraction of sites trimmed at each end of every coordinate.</summary>
    public double Beta { get; }

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <summary>k = ⌊β·n⌋ values dropped at each end; β &lt; 0.5 leaves at least one value.</summary>
    public static int TrimCount(int n, double beta) => (int)Math.Floor(beta * n + 1e-9);

    /// <summary>output[j] = mean of values[·][j] without its <paramref name="trim"/> smallest and largest.</summary>
    public static void Aggregate(IReadOnlyList<float[]> values, int trim, Span<float> output)
    {
        var n = values.Count;
        if (trim < 0 || n - 2 * trim < 1) throw new ArgumentException($"cannot trim {trim} from each end of {n} values");
        var column = new float[n];
        for (var k = 0; k < output.Length; k++)
        {
            for (var i = 0; i < n; i++) column[i] = values[i][k];
            Array.Sort(column);
            double sum = 0;
            for (var i = trim; i < n - trim; i++) sum += column[i];
            output[k] = (float)(sum / (n - 2 * trim));
        }
    }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new BufferedResults(round, global, AcceptFailures, results =>
        {
            var trim = TrimCount(results.Count, Beta);
            return (RobustSteps.PerTensor(global, results, (deltas, output) => Aggregate(deltas, trim, output)), null);
        });

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}
