namespace FedTransfer.Torch.Adapters;

/// <summary>LoRA (Hu et al. 2021): rank <see cref="Rank"/>, scale <see cref="Alpha"/>/rank, dropout on the low-rank path, Linear targets by name pattern.</summary>
public sealed record LoraSpec(int Rank = 8, double Alpha = 16, double Dropout = 0, IReadOnlyList<string>? Targets = null) : AdapterSpec
{
    /// <summary>Name patterns of the Linear layers to adapt (dotted suffixes, <c>*</c> wildcards); default <c>attn.qkv</c>.</summary>
    public IReadOnlyList<string> Targets { get; init; } = Targets is { Count: > 0 } ? Targets : ["attn.qkv"];

    /// <summary>alpha / r: the factor applied to the low-rank update.</summary>
    public double Scale => Alpha / Rank;

    internal static LoraSpec FromPairs(string spec, Dictionary<string, string> pairs)
    {
        RejectUnknownKeys(spec, "lora", pairs, "r", "alpha", "dropout", "targets");
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
        return new LoraSpec(rank, alpha, dropout, targets);
    }

    /// <summary>Canonical spec string, parseable by <see cref="AdapterSpec.Parse"/>.</summary>
    public override string ToString() =>
        $"lora:r={Rank},alpha={Format(Alpha)}" + (Dropout > 0 ? $",dropout={Format(Dropout)}" : "") + $",targets={string.Join('|', Targets)}";

    /// <inheritdoc />
    public bool Equals(LoraSpec? other) => other is not null && Rank == other.Rank && Alpha.Equals(other.Alpha)
        && Dropout.Equals(other.Dropout) && Targets.SequenceEqual(other.Targets);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Alpha, Dropout, string.Join('|', Targets));
}
