using FedTransfer.Federation.Privacy;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Policy;

/// <summary>
/// Clips a delta's global L2 norm (over all its tensors together) and adds Gaussian noise, before the delta is encoded
/// and sent. Clipping bounds one site's influence (the sensitivity); the noise, scaled to it, is what makes the update
/// differentially private. Pure: the caller owns the random source.
/// </summary>
internal static class LocalPrivacy
{
    /// <summary>The global L2 norm of all elements of all tensors, accumulated in double.</summary>
    public static double GlobalNorm(IEnumerable<TensorRecord> tensors) => Norm(tensors.Select(t => t.ToSingles()));

    /// <summary>
    /// Returns the delta scaled by min(1, C / norm) plus N(0, (z·C)²) per element, each tensor keeping its name, dtype and
    /// shape, and what was applied. Deltas must be floating point (F32, F64, F16, BF16).
    /// </summary>
    /// <exception cref="InvalidOperationException">A tensor is not floating point, or holds NaN or infinity.</exception>
    public static (IReadOnlyList<TensorRecord> Delta, LocalPrivacyApplied Applied) Apply(
        IReadOnlyList<TensorRecord> delta, PrivacyParameters parameters, GaussianNoise noise)
    {
        var values = delta.Select(t => t.ToSingles()).ToList();
        var norm = Norm(values);
        if (!double.IsFinite(norm)) throw new InvalidOperationException("the delta holds NaN or infinite values; it cannot be clipped");
        var scale = norm > parameters.ClipNorm ? parameters.ClipNorm / norm : 1.0;
        var sigma = parameters.NoiseMultiplier * parameters.ClipNorm;
        var result = new List<TensorRecord>(delta.Count);
        for (var i = 0; i < delta.Count; i++)
        {
            var tensor = values[i];
            for (var j = 0; j < tensor.Length; j++)
                tensor[j] = (float)(tensor[j] * scale + (sigma > 0 ? sigma * noise.Next() : 0));
            result.Add(TensorRecord.FromSingles(delta[i].Name, tensor, delta[i].DType, delta[i].Shape));
        }
        return (result, new LocalPrivacyApplied(parameters.ClipNorm, parameters.NoiseMultiplier, norm));
    }

    private static double Norm(IEnumerable<float[]> tensors)
    {
        var sum = 0.0;
        foreach (var tensor in tensors)
        {
            foreach (var x in tensor) sum += (double)x * x;
        }
        return Math.Sqrt(sum);
    }
}
