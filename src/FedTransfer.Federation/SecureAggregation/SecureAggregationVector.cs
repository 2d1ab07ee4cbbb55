using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// The vector a site feeds into secure aggregation and what the coordinator makes of the sum. A site flattens its delta's
/// tensors in the trainable set's order, clips it to L2 norm C, multiplies it by its weight ω = examples / W (W, the
/// round's weight cap, is at least every sampled site's example count, so ω ≤ 1) and appends ω: every element then lies
/// in [-max(C, 1), max(C, 1)], which sizes the ring. The coordinator divides Σ ω·δ by Σ ω to get the weighted-mean delta
/// and hands it to the strategy as one result weighing Σ ω·W examples, so a FedAvg-family server step (FedAvg, FedAvgM,
/// FedAdam, FedYogi, FedAdagrad) acts on the mean exactly as it would have on the individual deltas.
/// </summary>
public static class SecureAggregationVector
{
    /// <summary>Elements of the vector: every trainable value, then the weight.</summary>
    public static int Length(TrainableSet trainable) => checked((int)trainable.ParameterCount + 1);

    /// <summary>The bound the ring must hold for clip norm <paramref name="clipNorm"/>.</summary>
    public static double RingBound(double clipNorm) => Math.Max(clipNorm, 1.0);

    /// <summary>The site's input: its delta clipped to <paramref name="clipNorm"/>, times ω = examples / weightCap, then ω.</summary>
    /// <exception cref="ArgumentException">The delta does not hold exactly the trainable set, a value is not finite, or the weight is outside (0, 1].</exception>
    public static float[] SiteInput(TrainableSet trainable, IReadOnlyList<TensorRecord> delta, double clipNorm, long examples, long weightCap)
    {
        if (examples < 1 || weightCap < examples) throw new ArgumentException($"the site's {examples} examples must be between 1 and the round's weight cap {weightCap}");
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm)) throw new ArgumentException($"the clip norm must be positive and finite, got {clipNorm}");
        var byName = delta.ToDictionary(t => t.Name, StringComparer.Ordinal);
        if (byName.Count != trainable.Count || trainable.Tensors.Any(t => !byName.ContainsKey(t.Name)))
            throw new ArgumentException("the delta's tensors are not exactly the trainable set");
        var input = new float[Length(trainable)];
        var offset = 0;
        foreach (var tensor in trainable.Tensors)
        {
            var values = byName[tensor.Name].ToSingles();
            if (values.Length != tensor.NumElements) throw new ArgumentException($"delta tensor {tensor.Name} holds {values.Length} values, the trainable set says {tensor.NumElements}");
            values.CopyTo(input, offset);
            offset += values.Length;
        }
        double squares = 0;
        for (var i = 0; i < offset; i++)
        {
            if (!float.IsFinite(input[i])) throw new ArgumentException($"delta element {i} is not finite");
            squares += (double)input[i] * input[i];
        }
        var weight = examples / (double)weightCap;
        var factor = NormBound.ClipFactor(Math.Sqrt(squares), clipNorm) * weight;
        for (var i = 0; i < offset; i++) input[i] = (float)(input[i] * factor);
        input[offset] = (float)weight;
        return input;
    }

    /// <summary>The weighted-mean delta of a decoded sum, as one result for the strategy; null with a reason when Σ ω is not positive.</summary>
    public static (SiteTrainResult? Result, string? Problem) StrategyInput(TrainableSet trainable, ReadOnlySpan<double> sum, long weightCap)
    {
        if (sum.Length != Length(trainable)) throw new ArgumentException($"the sum holds {sum.Length} elements; the trainable set needs {Length(trainable)}");
        var totalWeight = sum[^1];
        if (!(totalWeight > 0)) return (null, $"the securely aggregated weight is {totalWeight}, not positive; no site's update can be in the sum");
        var tensors = new List<TensorRecord>(trainable.Count);
        var offset = 0;
        foreach (var tensor in trainable.Tensors)
        {
            var mean = new float[tensor.NumElements];
            for (var i = 0; i < mean.Length; i++) mean[i] = (float)(sum[offset + i] / totalWeight);
            offset += mean.Length;
            tensors.Add(TensorRecord.FromSingles(tensor.Name, mean, tensor.DType, tensor.Shape));
        }
        var bytes = SafeTensors.Serialize(tensors);
        var examples = Math.Max(1, (long)Math.Round(totalWeight * weightCap));
        return (new SiteTrainResult("secure-sum", examples, new Dictionary<string, double>(), () => new MemoryStream(bytes, writable: false)), null);
    }
}
