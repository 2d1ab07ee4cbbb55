using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Combines the n deltas of one tensor (float32, one array per site) into one.</summary>
internal delegate void TensorCombiner(IReadOnlyList<float[]> deltas, Span<float> output);

/// <summary>The tensor-at-a-time loop the coordinate-wise robust aggregators share.</summary>
internal static class RobustSteps
{
    /// <summary>
    /// For each trainable tensor: read it from every result, combine, add to the global value. Peak memory is the n
    /// copies of the tensor being combined, never n adapters.
    /// </summary>
    public static IReadOnlyList<TensorRecord> PerTensor(GlobalAdapter global, IReadOnlyList<SiteTrainResult> results, TensorCombiner combine)
    {
        var next = new List<TensorRecord>(global.Trainable.Count);
        foreach (var spec in global.Trainable.Tensors)
        {
            var deltas = DeltaTensorReader.ReadAll(results, spec);
            var combined = new float[spec.NumElements];
            combine(deltas, combined);
            var x = GlobalTensors.Read(global, spec);
            for (var k = 0; k < x.Length; k++) x[k] += combined[k];
            next.Add(GlobalTensors.Write(spec, x));
        }
        return next;
    }
}
