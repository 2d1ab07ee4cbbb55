using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Exact LoRA aggregation (<c>agg=exact</c> in the adapter spec) around a FedAvg-family strategy: the inner strategy samples,
/// configures and aggregates as usual, and then every LoRA pair of its result is replaced by the rank-r truncated SVD of the
/// example-weighted mean product (see <see cref="LoraProductMean"/>, which also says what "delta" means here). Tensors that are
/// not LoRA factors (head, biases) keep the inner strategy's aggregate. The LoRA pairs move to the mean product itself
/// (server learning rate 1, no server optimiser state): a server optimiser's step on A and B separately has no meaning for
/// their product. Robust strategies are refused: a median or Krum choice over factors is not a statement about products.
/// With a norm bound (<c>clip_norm</c>) the bound stays outermost, so the products are formed from clipped deltas.
/// Round metrics gain <c>lora_truncation_error</c> (largest over the pairs) and <c>lora_truncation_error_mean</c>.
/// </summary>
public sealed class ExactLoraStrategy : IStrategy
{
    /// <summary>Metric: the largest relative Frobenius norm of the discarded singular values over the LoRA pairs.</summary>
    public const string TruncationErrorMetric = "lora_truncation_error";

    /// <summary>Metric: the mean of the pairs' truncation errors.</summary>
    public const string TruncationErrorMeanMetric = "lora_truncation_error_mean";

    /// <summary>The strategies whose aggregate is an (optionally server-optimised) weighted mean, which exact mode may wrap.</summary>
    public static IReadOnlySet<string> FedAvgFamily { get; } = new HashSet<string>(StringComparer.Ordinal)
        { "fedavg", "fedavgm", "fedprox", "fedadagrad", "fedadam", "fedyogi" };

    private readonly IStrategy _inner;

    private ExactLoraStrategy(IStrategy inner) => _inner = inner;

    /// <summary>
    /// The strategy a run uses for <paramref name="adapterSpec"/>: <paramref name="inner"/> itself unless the spec is LoRA with
    /// agg=exact, in which case it is wrapped.
    /// </summary>
    /// <exception cref="ArgumentException">agg=exact with a strategy outside the FedAvg family, or an unparseable spec; one line saying what to do.</exception>
    public static IStrategy For(IStrategy inner, string adapterSpec)
    {
        ArgumentNullException.ThrowIfNull(inner);
        AdapterSpec spec;
        try
        {
            spec = AdapterSpec.Parse(adapterSpec);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        if (spec is not LoraSpec { Aggregation: LoraAggregation.Exact }) return inner;
        // A norm bound must see the deltas before the products are formed: exact goes inside it, so clipped factors are multiplied.
        if (inner is NormBound bound) return new NormBound(For(bound.Inner, adapterSpec), bound.ClipNorm);
        if (!FedAvgFamily.Contains(inner.Name))
            throw new ArgumentException($"adapter spec agg=exact averages LoRA products and needs a FedAvg-family strategy ({string.Join(", ", FedAvgFamily)}), " +
                $"not '{inner.Name}'; use agg=frozen-a (also exact, and any strategy works) or agg=naive with {inner.Name}");
        return new ExactLoraStrategy(inner);
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <summary>The wrapped strategy.</summary>
    public IStrategy Inner => _inner;

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => _inner.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global)
    {
        var pairs = LoraPair.Find(global.Trainable);
        if (pairs.Count == 0)
            throw new InvalidOperationException("adapter spec agg=exact, but the trainable set has no LoRA pair (…lora_a with …lora_b)");
        return new Accumulator(round, global, pairs, _inner.BeginAggregateTrain(round, global));
    }

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => _inner.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        _inner.AggregateEvaluate(round, results, failures);

    private sealed class Accumulator(int round, GlobalAdapter global, IReadOnlyList<LoraPair> pairs, ITrainAccumulator inner) : ITrainAccumulator
    {
        private readonly LoraProductMean _products = new(pairs, global.Tensors);
        private readonly UpdateValidator _validator = new(global.Trainable);
        private bool _completed;

        public int Count => inner.Count;

        public void Add(SiteTrainResult result)
        {
            if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
            // Read once; the inner strategy gets the same bytes (OpenDelta is called once per aggregation).
            byte[] bytes;
            using (var stream = result.OpenDelta())
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            var file = SafeTensors.Read(bytes, $"update of site {result.SiteId}");
            var structure = _validator.Validate(file.Tensors, result.ExampleCount);
            if (!structure.IsValid) throw new InvalidOperationException($"delta from site {result.SiteId} was not validated before aggregation: {structure.Reason}");
            inner.Add(result with { OpenDelta = () => new MemoryStream(bytes, writable: false) });
            _products.Add(file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal), result.ExampleCount);
        }

        public TrainAggregation Complete(IReadOnlyList<SiteFailure> failures)
        {
            if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
            _completed = true;
            var aggregate = inner.Complete(failures);
            if (!aggregate.Succeeded) return aggregate;
            var next = aggregate.NewGlobal!.ToDictionary(t => t.Name, StringComparer.Ordinal);
            var factors = _products.Factorise(next);
            foreach (var (a, b, _) in factors)
            {
                next[a.Name] = a;
                next[b.Name] = b;
            }
            var metrics = new Dictionary<string, double>(aggregate.Metrics, StringComparer.Ordinal)
            {
                [TruncationErrorMetric] = factors.Max(f => f.TruncationError),
                [TruncationErrorMeanMetric] = factors.Average(f => f.TruncationError),
            };
            var ordered = aggregate.NewGlobal!.Select(t => next[t.Name]).ToArray();
            // The inner strategy's server state (momentum, moments) still describes its own step on the other tensors.
            return TrainAggregation.Success(ordered, metrics, aggregate.ResultsUsed) with { ServerState = aggregate.ServerState };
        }
    }
}
