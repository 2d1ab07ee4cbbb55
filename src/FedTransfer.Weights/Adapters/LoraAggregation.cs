namespace FedTransfer.Weights.Adapters;

/// <summary>
/// How a federation combines the sites' LoRA factors (the <c>agg=</c> key of a LoRA spec). The update a LoRA layer applies
/// is the product B·A, and the mean of products is not the product of means: mean(B)·mean(A) ≠ mean(B·A).
/// </summary>
public enum LoraAggregation
{
    /// <summary>
    /// <c>agg=naive</c> (default): average A and B separately like any other tensor. Inexact: the aggregate update
    /// mean(B)·mean(A) differs from the mean of the sites' updates by cross terms. Kept for comparison.
    /// </summary>
    Naive,

    /// <summary>
    /// <c>agg=frozen-a</c> (FFA-LoRA, Sun, Qin, Zhang and Li, "Improving LoRA in Privacy-preserving Federated Learning", ICLR 2024):
    /// A is drawn from the spec's <c>a_seed</c> identically at every site and never trained, so only B (and the head) is trained
    /// and sent; mean(B)·A = mean(B·A) exactly, and A never travels (half the LoRA parameters for a square layer).
    /// </summary>
    FrozenA,

    /// <summary>
    /// <c>agg=exact</c>: the coordinator averages the sites' products B_i·A_i (weighted by examples) and re-factorises the mean
    /// to rank r with a truncated SVD, reporting the relative Frobenius norm of the discarded part each round.
    /// </summary>
    Exact,
}

/// <summary>Spec-text names of <see cref="LoraAggregation"/>.</summary>
public static class LoraAggregationNames
{
    /// <summary>The value as written in a spec: naive, frozen-a or exact.</summary>
    public static string ToSpecText(this LoraAggregation mode) => mode switch
    {
        LoraAggregation.Naive => "naive",
        LoraAggregation.FrozenA => "frozen-a",
        LoraAggregation.Exact => "exact",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown LoRA aggregation mode"),
    };

    /// <summary>Parses naive, frozen-a or exact (case-insensitive).</summary>
    public static bool TryParse(string text, out LoraAggregation mode)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "naive": mode = LoraAggregation.Naive; return true;
            case "frozen-a": mode = LoraAggregation.FrozenA; return true;
            case "exact": mode = LoraAggregation.Exact; return true;
            default: mode = LoraAggregation.Naive; return false;
        }
    }
}
