using FedTransfer.Federation.Strategies;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Privacy;

/// <summary>
/// DP-FedAvg (McMahan, Ramage, Talwar, Zhang, ICLR 2018) around a FedAvg-family strategy: each site's delta is clipped
/// to L2 norm C, the clipped deltas are summed with weight 1 (example counts would let one site's size show), N(0, (z·C)²)
/// is added to every element of the sum, and the sum is divided by the number of sites sampled for the round — a fixed
/// denominator, as in the paper, so that a site that drops out does not change the scale the noise was calibrated to.
/// The noised mean then goes to the wrapped strategy as its one update, so FedAvg's server learning rate, FedAvgM's
/// momentum and FedAdam/Yogi/Adagrad act on it: post-processing, which keeps the guarantee. Strategies that need every
/// update (median, trimmed mean, Krum) are refused by <see cref="Check"/>; so is norm bounding (central_dp_clip does it).
/// </summary>
public sealed class CentralDpStrategy : IStrategy
{
    private readonly Func<GaussianNoise> _noise;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="noise"/> is the CSPRNG by default (seeded only in tests and in-process experiments).</summary>
    public CentralDpStrategy(IStrategy inner, CentralDpSettings settings, Func<GaussianNoise>? noise = null)
    {
        if (Check(inner) is { } problem) throw new ArgumentException(problem);
        if (settings.Problem() is { } bad) throw new ArgumentException(bad);
        Inner = inner;
        Settings = settings;
        _noise = noise ?? GaussianNoise.Secure;
    }

    /// <summary>Why central DP cannot wrap <paramref name="strategy"/> (one line), or null when it can.</summary>
    public static string? Check(IStrategy strategy) => strategy switch
    {
        NormBound => $"central DP clips each update itself (central_dp_clip); remove the {NormBound.SettingName} setting",
        CoordinateMedian or TrimmedMean or Krum or MultiKrum =>
            $"central DP adds noise to the sum of clipped updates, which strategy {strategy.Name} does not use; use fedavg, fedavgm, fedprox, fedadam, fedyogi or fedadagrad",
        ExactLoraStrategy => "central DP does not combine with agg=exact LoRA aggregation (it averages A·B products, not deltas); use frozen-A or naive LoRA aggregation",
        _ => null,
    };

    /// <inheritdoc />
    public string Name => Inner.Name;

    /// <summary>The strategy the noised mean is handed to.</summary>
    public IStrategy Inner { get; }

    /// <summary>Clip, noise multiplier and budget.</summary>
    public CentralDpSettings Settings { get; }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => Inner.ConfigureTrain(round, available, settings);

    /// <summary>Refused: the noised mean needs the round's number of sampled sites; use the overload that takes it.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        throw new InvalidOperationException("central DP divides by the number of sites sampled for the round; call BeginAggregateTrain(round, global, sampledSites)");

    /// <summary>Starts round <paramref name="round"/>, whose noised sum is divided by <paramref name="sampledSites"/>.</summary>
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global, int sampledSites)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sampledSites, 1);
        return new NoisedMeanAccumulator(round, global, this, sampledSites, _noise());
    }

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => Inner.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        Inner.AggregateEvaluate(round, results, failures);

    private sealed class NoisedMeanAccumulator(int round, GlobalAdapter global, CentralDpStrategy owner, int sampledSites, GaussianNoise noise) : ITrainAccumulator
    {
        private readonly WeightedDeltaAccumulator _sum = new(global.Trainable);
        private readonly List<(long, IReadOnlyDictionary<string, double>)> _metrics = [];
        private int _clipped;
        private bool _completed;

        public int Count => _sum.Count;

        public void Add(SiteTrainResult result)
        {
            if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
            var source = $"site {result.SiteId}";
            double norm;
            using (var delta = result.OpenDelta()) norm = NormBound.L2Norm(delta, source);
            var factor = NormBound.ClipFactor(norm, owner.Settings.ClipNorm);
            using (var delta = result.OpenDelta())
            {
                if (factor >= 1.0) _sum.Add(delta, 1.0, source);
                else
                {
                    using var scaled = new MemoryStream(NormBound.Scale(delta, factor, source), writable: false);
                    _sum.Add(scaled, 1.0, source);
                    _clipped++;
                }
            }
            _metrics.Add((result.ExampleCount, result.Metrics));
        }

        public TrainAggregation Complete(IReadOnlyList<SiteFailure> failures)
        {
            if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
            _completed = true;
            var sigma = owner.Settings.NoiseMultiplier * owner.Settings.ClipNorm;
            var trainable = global.Trainable;
            var mean = new TensorRecord[trainable.Count];
            for (var i = 0; i < trainable.Count; i++)
            {
                var spec = trainable.Tensors[i];
                var values = _sum.Sum(i).ToArray();
                for (var k = 0; k < values.Length; k++) values[k] = (float)((values[k] + sigma * noise.Next()) / sampledSites);
                mean[i] = TensorRecord.FromSingles(spec.Name, values, spec.DType, spec.Shape);
            }
            var metrics = MetricAverager.WeightedMeans(_metrics);
            var payload = SafeTensors.Serialize(mean);
            // One update, the noised mean; failures go with it so accept_failures=false still fails a partial round.
            var inner = owner.Inner.BeginAggregateTrain(round, global);
            if (_sum.Count > 0) inner.Add(new SiteTrainResult("central-dp-mean", 1, metrics, () => new MemoryStream(payload, writable: false)));
            var aggregate = inner.Complete(failures);
            if (!aggregate.Succeeded) return aggregate;
            var reported = new Dictionary<string, double>(metrics, StringComparer.Ordinal)
            {
                ["central_dp_clipped_updates"] = _clipped,
                ["central_dp_updates"] = _sum.Count,
                ["central_dp_sampled_sites"] = sampledSites,
            };
            return TrainAggregation.Success(aggregate.NewGlobal!, reported, _sum.Count) with { ServerState = aggregate.ServerState };
        }
    }
}

/// <summary>Starts a round's aggregation, handing central DP the number of sites sampled.</summary>
public static class CentralDpRounds
{
    /// <summary>
    /// <paramref name="strategy"/>'s accumulator for <paramref name="round"/>; under central DP the noised sum is divided by
    /// <paramref name="sampledSites"/>, which other strategies do not need.
    /// </summary>
    public static ITrainAccumulator BeginAggregateTrain(this IStrategy strategy, int round, GlobalAdapter global, int sampledSites) =>
        strategy is CentralDpStrategy dp ? dp.BeginAggregateTrain(round, global, sampledSites) : strategy.BeginAggregateTrain(round, global);
}
