using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Export;

/// <summary>
/// Builds the one-file model a central team exports with <c>--merged</c>. LoRA is folded into the base weights, exactly
/// as <c>LoraLinear</c> computes (<c>y = x Wᵀ + b + (alpha/r) · x Aᵀ Bᵀ</c>, so <c>W' = W + (alpha/r) · B A</c>): the result
/// is a plain backbone + task head with no adapter tensors, loadable into the un-adapted model. Bottleneck adapters sit
/// behind a nonlinearity and cannot be folded: the file then holds the backbone and the adapter tensors side by side,
/// for the model built with the adapter spec, and its metadata says so.
/// </summary>
public static class MergedModel
{
    /// <summary>Metadata key saying how the file was merged (<see cref="Folded"/> or <see cref="NotFoldable"/>).</summary>
    public const string MergeKey = "fedtransfer.merge";

    /// <summary><see cref="MergeKey"/> value: LoRA folded, a plain model.</summary>
    public const string Folded = "lora-folded";

    /// <summary><see cref="MergeKey"/> value: bottleneck adapter tensors included unfolded.</summary>
    public const string NotFoldable = "bottleneck-not-foldable";

    private const string LoraA = ".lora_a";
    private const string LoraB = ".lora_b";

    /// <summary>The merged tensors and how they were merged.</summary>
    /// <param name="backbone">Every tensor of the pretrained backbone (its source-task head included).</param>
    /// <param name="adapter">The global adapter: LoRA A/B or bottleneck tensors plus the new task head.</param>
    /// <param name="spec">The federation's adapter spec.</param>
    /// <exception cref="ArgumentException">The adapter does not fit the backbone (names the tensor).</exception>
    public static (IReadOnlyList<TensorRecord> Tensors, string Merge) Merge(IReadOnlyList<TensorRecord> backbone, IReadOnlyList<TensorRecord> adapter, AdapterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var byName = adapter.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var tensors = new List<TensorRecord>(backbone.Count + adapter.Count);
        if (spec is not LoraSpec lora)
        {
            // An adapter tensor with a backbone name (the new task head) replaces it.
            tensors.AddRange(backbone.Where(t => !byName.ContainsKey(t.Name)));
            tensors.AddRange(adapter);
            return (tensors, NotFoldable);
        }

        var folded = new Dictionary<string, TensorRecord>(StringComparer.Ordinal);
        foreach (var a in adapter.Where(t => t.Name.EndsWith(LoraA, StringComparison.Ordinal)))
        {
            var layer = a.Name[..^LoraA.Length];
            if (!byName.TryGetValue(layer + LoraB, out var b))
                throw new ArgumentException($"adapter tensor '{a.Name}' has no '{layer}{LoraB}' to fold with");
            var weight = backbone.FirstOrDefault(t => t.Name == layer + ".weight")
                ?? throw new ArgumentException($"adapter tensor '{a.Name}' adapts '{layer}.weight', which the backbone does not have");
            folded[weight.Name] = Fold(weight, a, b, lora.Alpha);
        }
        if (adapter.FirstOrDefault(t => t.Name.EndsWith(LoraB, StringComparison.Ordinal) && !byName.ContainsKey(t.Name[..^LoraB.Length] + LoraA)) is { } orphan)
            throw new ArgumentException($"adapter tensor '{orphan.Name}' has no matching '{LoraA[1..]}' to fold with");

        var rest = adapter.Where(t => !IsLora(t.Name)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var t in backbone)
            tensors.Add(rest.Remove(t.Name, out var replacement) ? replacement : folded.GetValueOrDefault(t.Name, t));
        tensors.AddRange(rest.Values);
        return (tensors, Folded);
    }

    private static bool IsLora(string name) => name.EndsWith(LoraA, StringComparison.Ordinal) || name.EndsWith(LoraB, StringComparison.Ordinal);

    /// <summary>W + (alpha/r) · B A, accumulated in double; r is A's row count, as LoraLinear's rank.</summary>
    private static TensorRecord Fold(TensorRecord weight, TensorRecord a, TensorRecord b, double alpha)
    {
        if (weight.Shape is not [var outF, var inF] || a.Shape is not [var r, var aIn] || b.Shape is not [var bOut, var bR] || aIn != inF || bOut != outF || bR != r)
            throw new ArgumentException(
                $"cannot fold '{a.Name}' {a.ShapeText} and '{b.Name}' {b.ShapeText} into '{weight.Name}' {weight.ShapeText}: expected A [r, in] and B [out, r] for W [out, in]");
        var w = weight.ToSingles();
        var av = a.ToSingles();
        var bv = b.ToSingles();
        var scale = alpha / r;
        var merged = new float[w.Length];
        for (var o = 0; o < outF; o++)
        {
            for (var i = 0; i < inF; i++)
            {
                double sum = 0;
                for (var k = 0; k < r; k++) sum += (double)bv[o * r + k] * av[k * inF + i];
                merged[o * inF + i] = (float)(w[o * inF + i] + scale * sum);
            }
        }
        return TensorRecord.FromSingles(weight.Name, merged, weight.DType, weight.Shape);
    }
}
