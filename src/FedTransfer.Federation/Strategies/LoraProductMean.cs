using FedTransfer.Federation.Updates;
using MathNet.Numerics.LinearAlgebra;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>One LoRA layer's factor pair in a trainable set: A [r, in] (<c>…lora_a</c>) and B [out, r] (<c>…lora_b</c>).</summary>
/// <param name="Layer">The layer's dotted path (the names without the suffix).</param>
/// <param name="Rank">r.</param>
public sealed record LoraPair(string Layer, int Rank)
{
    /// <summary>Name of A.</summary>
    public string AName => Layer + ".lora_a";

    /// <summary>Name of B.</summary>
    public string BName => Layer + ".lora_b";

    /// <summary>
    /// Every pair whose A and B are both in <paramref name="trainable"/> with matching rank (A [r, in], B [out, r]).
    /// </summary>
    public static IReadOnlyList<LoraPair> Find(TrainableSet trainable)
    {
        var pairs = new List<LoraPair>();
        foreach (var a in trainable.Tensors.Where(t => t.Name.EndsWith(".lora_a", StringComparison.Ordinal)))
        {
            var layer = a.Name[..^".lora_a".Length];
            if (a.Shape.Length == 2 && trainable.TryGet(layer + ".lora_b", out var b) && b.Shape.Length == 2 && b.Shape[1] == a.Shape[0])
                pairs.Add(new LoraPair(layer, checked((int)a.Shape[0])));
        }
        return pairs;
    }
}

/// <summary>
/// The exact mean of LoRA updates for one round, in float64 with a managed SVD (Math.NET), so the coordinator never loads
/// the tensor engine. What the sites send, and what is averaged:
/// a site trains A and B from the global A_g, B_g and sends δA_i = A_i − A_g and δB_i = B_i − B_g, like every other tensor. Its
/// layer's weight then changed by ΔW_i = s·(B_i·A_i − B_g·A_g) with B_i = B_g + δB_i, A_i = A_g + δA_i (s = alpha/r): the full
/// product, cross term δB_i·δA_i included, not its first-order part. The example-weighted mean Σ n_i ΔW_i / Σ n_i is therefore
/// s·(M − B_g·A_g) with M = Σ n_i B_i·A_i / Σ n_i, so the next global factors must satisfy B'·A' = M. M has rank up to
/// (number of sites)·r; a truncated SVD M ≈ U_r diag(σ) V_rᵀ gives B' = U_r diag(√σ), A' = diag(√σ) V_rᵀ (balanced split),
/// and the relative Frobenius norm of the discarded part, √(Σ_{j&gt;r} σ_j²) / √(Σ σ_j²), is the truncation error.
/// Memory: one dense [out, in] float64 sum per pair, independent of the number of sites.
/// </summary>
public sealed class LoraProductMean
{
    private readonly Dictionary<string, Matrix<double>> _globalA = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Matrix<double>> _globalB = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Matrix<double>> _sums = new(StringComparer.Ordinal);
    private double _totalWeight;

    /// <summary>Starts a round from the global factors of <paramref name="pairs"/>.</summary>
    public LoraProductMean(IReadOnlyList<LoraPair> pairs, IReadOnlyList<TensorRecord> global)
    {
        Pairs = pairs;
        var byName = global.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            _globalA[pair.Layer] = ToMatrix(byName[pair.AName]);
            _globalB[pair.Layer] = ToMatrix(byName[pair.BName]);
        }
    }

    /// <summary>The pairs averaged.</summary>
    public IReadOnlyList<LoraPair> Pairs { get; }

    /// <summary>Adds n·(B_g + δB)(A_g + δA) for every pair, from a decoded delta.</summary>
    public void Add(IReadOnlyDictionary<string, TensorRecord> delta, double weight)
    {
        foreach (var pair in Pairs)
        {
            var a = _globalA[pair.Layer] + ToMatrix(delta[pair.AName]);
            var b = _globalB[pair.Layer] + ToMatrix(delta[pair.BName]);
            var product = b * a;
            if (_sums.TryGetValue(pair.Layer, out var sum)) sum.Add(product * weight, sum);
            else _sums[pair.Layer] = product * weight;
        }
        _totalWeight += weight;
    }

    /// <summary>The factorised mean for each pair: the new A and B (in the dtypes of <paramref name="like"/>) and the truncation error.</summary>
    public IReadOnlyList<(TensorRecord A, TensorRecord B, double TruncationError)> Factorise(IReadOnlyDictionary<string, TensorRecord> like)
    {
        if (_totalWeight <= 0) throw new InvalidOperationException("no update was added");
        var result = new List<(TensorRecord, TensorRecord, double)>(Pairs.Count);
        foreach (var pair in Pairs)
        {
            var mean = _sums[pair.Layer] / _totalWeight;
            var svd = mean.Svd(computeVectors: true);
            var singular = svd.S.ToArray();
            var r = Math.Min(pair.Rank, singular.Length);
            // Rows beyond min(out, in) stay zero: a layer narrower than r has no more directions to give.
            var a = Matrix<double>.Build.Dense(pair.Rank, mean.ColumnCount);
            var b = Matrix<double>.Build.Dense(mean.RowCount, pair.Rank);
            for (var j = 0; j < r; j++)
            {
                var root = Math.Sqrt(singular[j]);
                a.SetRow(j, svd.VT.Row(j) * root);
                b.SetColumn(j, svd.U.Column(j) * root);
            }
            var error = TruncationError(singular, r);
            result.Add((Record(pair.AName, a, like[pair.AName]), Record(pair.BName, b, like[pair.BName]), error));
        }
        return result;
    }

    /// <summary>√(Σ_{j≥r} σ_j²) / √(Σ σ_j²) for descending singular values; 0 for a zero matrix.</summary>
    public static double TruncationError(IReadOnlyList<double> singularValues, int rank)
    {
        double total = 0, discarded = 0;
        for (var j = 0; j < singularValues.Count; j++)
        {
            var sq = singularValues[j] * singularValues[j];
            total += sq;
            if (j >= rank) discarded += sq;
        }
        return total > 0 ? Math.Sqrt(discarded / total) : 0;
    }

    private static Matrix<double> ToMatrix(TensorRecord record)
    {
        var values = DeltaCodec.ToFloats(record);
        var (rows, columns) = ((int)record.Shape[0], (int)record.Shape[1]);
        return Matrix<double>.Build.Dense(rows, columns, (i, j) => values[i * columns + j]);
    }

    private static TensorRecord Record(string name, Matrix<double> values, TensorRecord like)
    {
        var floats = new float[values.RowCount * values.ColumnCount];
        for (var i = 0; i < values.RowCount; i++)
            for (var j = 0; j < values.ColumnCount; j++)
                floats[i * values.ColumnCount + j] = (float)values[i, j];
        return TensorRecord.FromSingles(name, floats, like.DType, like.Shape);
    }
}
