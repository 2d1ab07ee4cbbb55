using System.Text;
using FedTransfer.Models.Data;

namespace FedTransfer.Models.Adapters;

/// <summary>
/// The frozen A matrices of FFA-LoRA (<see cref="LoraAggregation.FrozenA"/>): drawn in managed code from a fixed-algorithm
/// generator (<see cref="SeededRandom"/>) seeded by the spec's <c>a_seed</c> and the layer's dotted path, so every site, on CPU
/// or CUDA, on any platform, builds bit-identical A without A ever travelling. libtorch's own generators differ between CPU
/// and CUDA, which is why they are not used here.
/// </summary>
public static class FrozenLoraInit
{
    /// <summary>
    /// A [rank, inFeatures] row-major for the layer at <paramref name="path"/>, uniform in ±1/√inFeatures (the bound
    /// <see cref="LoraLinear"/> uses for a trained A).
    /// </summary>
    public static float[] Values(ulong seed, string path, int rank, long inFeatures)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        var random = new SeededRandom(SeededRandom.Derive(seed, PathHash(path)));
        var bound = 1.0 / Math.Sqrt(inFeatures);
        var values = new float[checked(rank * (int)inFeatures)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)((2 * random.NextDouble() - 1) * bound);
        return values;
    }

    // FNV-1a over the UTF-8 path: stable across processes, unlike string.GetHashCode.
    private static ulong PathHash(string path)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(path))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }
}
