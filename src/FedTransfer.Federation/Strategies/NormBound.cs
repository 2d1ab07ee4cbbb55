using System.Globalization;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Norm bounding (Sun, Kairouz, Suresh, McMahan, "Can You Really Backdoor Federated Learning?", arXiv:1911.07963,
/// 2019): before aggregation every site's delta δ is scaled to δ · min(1, M / ‖δ‖₂), its L2 norm taken over all its
/// tensors, so no single site can move the global adapter further than M, whatever it claims. It wraps any strategy:
/// the setting <c>clip_norm</c>=M (positive) goes with any strategy's own settings, e.g. <c>fedavg</c> with
/// <c>clip_norm=1.5</c>. The round's metrics gain <c>clipped_updates</c>, the number of deltas that were scaled down.
/// Memory: the norm is computed streaming; a delta that must be scaled is rebuilt in memory (one adapter) each time
/// the wrapped strategy reads it, so the wrapped strategy's own bound still holds.
/// </summary>
public sealed class NormBound : IStrategy
{
    /// <summary>The setting that turns norm bounding on for any strategy.</summary>
    public const string SettingName = "clip_norm";

    /// <summary>Wraps <paramref name="inner"/> so that every delta it aggregates has an L2 norm of at most <paramref name="clipNorm"/>.</summary>
    public NormBound(IStrategy inner, double clipNorm)
    {
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm)) throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "the norm bound must be positive");
        Inner = inner;
        ClipNorm = clipNorm;
    }

    /// <summary>The wrapped strategy's name: the norm bound is a setting of it, not a strategy of its own.</summary>
    public string Name => Inner.Name;

    /// <summary>The strategy whose aggregation the clipped deltas go into.</summary>
    public IStrategy Inner { get; }

    /// <summary>M: the largest L2 norm a delta keeps.</summary>
    public double ClipNorm { get; }

    /// <summary>Parses the <c>clip_norm</c> value.</summary>
    /// <exception cref="ArgumentException">Not a positive finite number.</exception>
    public static double ParseBound(string strategy, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0
            ? value
            : throw new ArgumentException($"{strategy} setting '{SettingName}' must be a positive number (the largest L2 norm an update keeps), got '{text}'");

    /// <summary>The factor δ is multiplied by: min(1, M / ‖δ‖₂).</summary>
    public static double ClipFactor(double norm, double bound) => norm > bound ? bound / norm : 1.0;

    /// <summary>‖δ‖₂ over every tensor of a safetensors delta, read streaming from the stream's current position.</summary>
    public static double L2Norm(Stream delta, string source)
    {
        var header = SafeTensors.ReadHeader(delta, source);
        double sum = 0;
        var scratch = Array.Empty<float>();
        TensorStreamReader.ForEach(delta, header, (entry, data) =>
        {
            var n = (int)entry.NumElements;
            if (scratch.Length < n) scratch = new float[n];
            var values = scratch.AsSpan(0, n);
            values.Clear();
            FloatCodec.AccumulateScaled(data, entry.DType, 1f, values);
            foreach (var v in values) sum += (double)v * v;
            return true;
        }, source);
        return Math.Sqrt(sum);
    }

    /// <summary>A copy of a safetensors delta with every element multiplied by <paramref name="factor"/> (metadata kept).</summary>
    public static byte[] Scale(Stream delta, double factor, string source)
    {
        using var buffer = new MemoryStream();
        delta.CopyTo(buffer);
        var file = SafeTensors.Read(buffer.ToArray(), source);
        var scaled = file.Tensors.Select(t =>
        {
            var values = t.ToSingles();
            for (var i = 0; i < values.Length; i++) values[i] = (float)(values[i] * factor);
            return TensorRecord.FromSingles(t.Name, values, t.DType, t.Shape);
        });
        return SafeTensors.Serialize(scaled, file.Metadata);
    }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        Inner.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) => new Clipping(Inner.BeginAggregateTrain(round, global), ClipNorm);

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        Inner.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        Inner.AggregateEvaluate(round, results, failures);

    private sealed class Clipping(ITrainAccumulator inner, double bound) : ITrainAccumulator
    {
        private int _clipped;

        public int Count => inner.Count;

        public void Add(SiteTrainResult result)
        {
            var source = $"site {result.SiteId}";
            double norm;
            using (var delta = result.OpenDelta()) norm = L2Norm(delta, source);
            var factor = ClipFactor(norm, bound);
            if (factor >= 1.0)
            {
                inner.Add(result);
                return;
            }
            var open = result.OpenDelta;
            inner.Add(result with
            {
                OpenDelta = () =>
                {
                    using var original = open();
                    return new MemoryStream(Scale(original, factor, source), writable: false);
                },
            });
            _clipped++;
        }

        public TrainAggregation Complete(IReadOnlyList<SiteFailure> failures)
        {
            var aggregate = inner.Complete(failures);
            if (!aggregate.Succeeded) return aggregate;
            var metrics = new Dictionary<string, double>(aggregate.Metrics, StringComparer.Ordinal) { ["clipped_updates"] = _clipped };
            return TrainAggregation.Success(aggregate.NewGlobal!, metrics, aggregate.ResultsUsed) with { ServerState = aggregate.ServerState };
        }
    }
}
