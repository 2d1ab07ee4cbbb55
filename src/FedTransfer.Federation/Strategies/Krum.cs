using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Krum (Blanchard, El Mhamdi, Guerraoui, Stainer, "Machine Learning with Adversaries: Byzantine Tolerant Gradient
/// Descent", NeurIPS 2017): each delta is scored by the sum of its squared L2 distances to its n − f − 2 nearest other
/// deltas, and the new global is the old plus the delta with the lowest score, so an outlier (scaled, sign-flipped) is
/// never chosen while n &gt; 2f + 2. Unweighted and without a server learning rate, as in the paper.
/// Settings: <c>f</c>, the number of Byzantine sites tolerated (default 1, at least 0); a round with n ≤ 2f + 2
/// results fails saying so; <c>accept_failures</c> (default true).
/// Memory: the n × n distance matrix plus all n deltas of one tensor at a time (n × the largest tensor, float32);
/// the deltas are read twice from their stored payloads (distances, then the chosen one).
/// </summary>
public sealed class Krum : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "krum";

    /// <summary>Creates Krum from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public Krum(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "f", "accept_failures");
        F = s.Int("f", 1, 0, 1000);
        AcceptFailures = s.Boolean("accept_failures", true);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>f: how many arbitrary (Byzantine) sites the round must tolerate.</summary>
    public int F { get; }

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <summary>Why <paramref name="n"/> results are too few for <paramref name="f"/>, or null when n &gt; 2f + 2.</summary>
    public static string? CheckCount(string strategy, int n, int f) => n > 2 * f + 2 ? null :
        $"{strategy} with f={f} needs more than 2f+2 = {2 * f + 2} results, got {n}; lower f or raise min_sites so more sites report";

    /// <summary>Adds Σₖ (aᵢ[k] − aⱼ[k])² for one tensor to the symmetric matrix of squared distances.</summary>
    public static void AddSquaredDistances(IReadOnlyList<float[]> deltas, double[,] distances)
    {
        for (var i = 0; i < deltas.Count; i++)
        {
            for (var j = i + 1; j < deltas.Count; j++)
            {
                double sum = 0;
                var a = deltas[i];
                var b = deltas[j];
                for (var k = 0; k < a.Length; k++)
                {
                    double d = a[k] - b[k];
                    sum += d * d;
                }
                distances[i, j] += sum;
                distances[j, i] += sum;
            }
        }
    }

    /// <summary>Krum score of each delta: the sum of its n − f − 2 smallest squared distances to the others.</summary>
    public static double[] Scores(double[,] distances, int f)
    {
        var n = distances.GetLength(0);
        var neighbours = n - f - 2;
        var scores = new double[n];
        for (var i = 0; i < n; i++)
        {
            var others = Enumerable.Range(0, n).Where(j => j != i).Select(j => distances[i, j]).Order().Take(neighbours);
            scores[i] = others.Sum();
        }
        return scores;
    }

    /// <summary>Indices of the <paramref name="m"/> lowest scores, lowest first (ties by index, for determinism).</summary>
    public static int[] Select(double[] scores, int m) =>
        Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ThenBy(i => i).Take(m).ToArray();

    /// <summary>
    /// The whole Krum / Multi-Krum round: distances tensor by tensor, scores, then the new global = old + the
    /// unweighted mean of the <paramref name="m"/> best-scored deltas (m = 1 is Krum).
    /// </summary>
    internal static (IReadOnlyList<TensorRecord>? NewGlobal, string? Failure) Aggregate(
        string strategy, GlobalAdapter global, IReadOnlyList<SiteTrainResult> results, int f, int m)
    {
        var n = results.Count;
        var tooFew = CheckCount(strategy, n, f);
        if (tooFew is not null) return (null, tooFew);
        if (m > n) return (null, $"{strategy} m={m} exceeds the {n} results received; lower m or raise min_sites");
        var distances = new double[n, n];
        foreach (var spec in global.Trainable.Tensors)
            AddSquaredDistances(DeltaTensorReader.ReadAll(results, spec), distances);
        var chosen = Select(Scores(distances, f), m).Select(i => results[i]).ToArray();
        return (RobustSteps.PerTensor(global, chosen, Mean), null);
    }

    private static void Mean(IReadOnlyList<float[]> deltas, Span<float> output)
    {
        for (var k = 0; k < output.Length; k++)
        {
            double sum = 0;
            foreach (var d in deltas) sum += d[k];
            output[k] = (float)(sum / deltas.Count);
        }
    }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new BufferedResults(round, global, AcceptFailures, results => Aggregate(StrategyName, global, results, F, 1));

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}
