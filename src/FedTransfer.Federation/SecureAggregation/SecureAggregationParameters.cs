namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// What every party of one secure aggregation round agrees on before it starts: the round, the share threshold as a
/// fraction of each share-holder group, the vector length and its fixed-point ring.
/// </summary>
/// <param name="RunId">The run; part of every key-derivation label, so no secret is reused across runs.</param>
/// <param name="Round">The round; part of every label.</param>
/// <param name="ThresholdFraction">γ in (0.5, 1]: a secret shared among h holders needs t = ⌈γ·h⌉ of them to come back.</param>
/// <param name="VectorLength">Ring elements in each site's input.</param>
/// <param name="Ring">The encoding of the inputs.</param>
/// <param name="CompleteGraph">Every pair of sites masks together (the original protocol) instead of the SecAgg+ k-regular graph.</param>
public sealed record SecureAggregationParameters(string RunId, int Round, double ThresholdFraction, int VectorLength, FixedPointRing Ring, bool CompleteGraph = false)
{
    /// <summary>Fewest sites a round may have: with two, each site learns the other's update from the sum.</summary>
    public const int MinSites = 3;

    /// <summary>Shares needed out of <paramref name="holders"/>.</summary>
    public int ThresholdFor(int holders) => Math.Max(2, (int)Math.Ceiling(ThresholdFraction * holders - 1e-9));

    /// <summary>One line saying what is wrong with the parameters, or null when they are usable.</summary>
    public string? Problem() =>
        !(ThresholdFraction > 0.5 && ThresholdFraction <= 1) ? $"secure aggregation threshold must be in (0.5, 1], got {ThresholdFraction}"
        : VectorLength < 1 ? $"secure aggregation needs a vector of at least one element, got {VectorLength}"
        : string.IsNullOrEmpty(RunId) || Round < 1 ? "secure aggregation needs a run id and a round >= 1"
        : null;

    /// <summary>The HKDF label of the mask seed two sites agree on.</summary>
    public string MaskLabel(string a, string b) => Label("mask", a, b);

    /// <summary>The HKDF label of the key that encrypts shares between two sites.</summary>
    public string ShareLabel(string a, string b) => Label("share", a, b);

    private string Label(string purpose, string a, string b)
    {
        var (low, high) = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        return $"fedtransfer-secagg-v1\n{purpose}\n{RunId}\n{Round}\n{low}\n{high}";
    }
}
