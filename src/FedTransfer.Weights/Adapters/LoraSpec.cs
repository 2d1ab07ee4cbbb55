using System.Globalization;

namespace FedTransfer.Weights.Adapters;

/// <summary>
/// LoRA (Hu et al. 2021): rank <see cref="Rank"/>, scale <see cref="Alpha"/>/rank, dropout on the low-rank path, Linear targets by
/// name pattern, and how a federation aggregates the factors (<see cref="Aggregation"/>, key <c>agg=naive|frozen-a|exact</c>;
/// with frozen-a, <c>a_seed</c> fixes the shared frozen A). Example: <c>lora:r=8,alpha=16,targets=attn.qkv|attn.proj,agg=exact</c>.
/// </summary>
public sealed record LoraSpec(int Rank = 8, double Alpha = 16, double Dropout = 0, IReadOnlyList<string>? Targets = null) : AdapterSpec
{
    /// <summary>Name patterns of the Linear layers to adapt (dotted suffixes, <c>*</c> wildcards); default <c>attn.qkv</c>.</summary>
    public IReadOnlyList<string> Targets { get; init; } = Targets is { Count: > 0 } ? Targets : ["attn.qkv"];

    /// <summary>How the federation aggregates A and B; <see cref="LoraAggregation.Naive"/> unless the spec says otherwise.</summary>
    public LoraAggregation Aggregation { get; init; } = LoraAggregation.Naive;

    /// <summary>With <see cref="LoraAggregation.FrozenA"/>: the seed every site draws the frozen A matrices from (default 0).</summary>
    public ulong ASeed { get; init; }

    /// <summary>alpha / r: the factor applied to the low-rank update.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>True when A is frozen (drawn from <see cref="ASeed"/>) and only B is trained.</summary>
    public bool FreezesA => Aggregation == LoraAggregation.FrozenA;

    internal static LoraSpec FromPairs(string spec, Dictionary<string, string> pairs)
    {
        RejectUnknownKeys(spec, "lora", pairs, "r", "alpha", "dropout", "targets", "agg", "a_seed");
        var rank = IntValue(spec, pairs, "r", 8, 1);
        var alpha = DoubleValue(spec, pairs, "alpha", 2.0 * rank, double.Epsilon, double.PositiveInfinity);
        var dropout = DoubleValue(spec, pairs, "dropout", 0, 0, 1);
        string[] targets = ["attn.qkv"];
        if (pairs.TryGetValue("targets", out var text))
        {
            targets = text.Split('|', StringSplitOptions.TrimEntries);
            if (targets.Any(t => t.Length == 0 || t.StartsWith('.') || t.EndsWith('.')))
                throw new FormatException($"adapter spec '{spec}': targets='{text}' must be '|'-separated dotted module names such as attn.qkv|attn.proj");
        }
        var aggregation = LoraAggregation.Naive;
        if (pairs.TryGetValue("agg", out var agg) && !LoraAggregationNames.TryParse(agg, out aggregation))
            throw new FormatException($"adapter spec '{spec}': agg='{agg}' must be naive, frozen-a or exact");
        ulong seed = 0;
        if (pairs.TryGetValue("a_seed", out var seedText))
        {
            if (aggregation != LoraAggregation.FrozenA)
                throw new FormatException($"adapter spec '{spec}': a_seed only applies with agg=frozen-a (it seeds the frozen A matrices)");
            if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                throw new FormatException($"adapter spec '{spec}': a_seed='{seedText}' must be a non-negative integer");
        }
        return new LoraSpec(rank, alpha, dropout, targets) { Aggregation = aggregation, ASeed = seed };
    }

    /// <summary>Canonical spec string, parseable by <see cref="AdapterSpec.Parse"/> (agg and a_seed appear only when not the defaults).</summary>
    public override string ToString() =>
        $"lora:r={Rank},alpha={Format(Alpha)}" + (Dropout > 0 ? $",dropout={Format(Dropout)}" : "") + $",targets={string.Join('|', Targets)}"
        + (Aggregation == LoraAggregation.Naive ? "" : $",agg={Aggregation.ToSpecText()}")
        + (FreezesA && ASeed != 0 ? $",a_seed={ASeed.ToString(CultureInfo.InvariantCulture)}" : "");

    /// <inheritdoc />
    public bool Equals(LoraSpec? other) => other is not null && Rank == other.Rank && Alpha.Equals(other.Alpha)
        && Dropout.Equals(other.Dropout) && Targets.SequenceEqual(other.Targets) && Aggregation == other.Aggregation && ASeed == other.ASeed;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Alpha, Dropout, string.Join('|', Targets), Aggregation, ASeed);
}
