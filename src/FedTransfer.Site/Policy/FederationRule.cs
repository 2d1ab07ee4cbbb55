using FedTransfer.Weights.Adapters;

namespace FedTransfer.Site.Policy;

/// <summary>
/// One federation a site agrees to join: a backbone by SHA-256 digest, with either one exact adapter spec or a pattern
/// (an adapter kind with an upper bound on its capacity), so an operator can approve "LoRA up to rank 16 on this
/// backbone" without listing every spec the central team might try.
/// </summary>
/// <param name="BackboneSha256">The backbone's digest, 64 lowercase hex.</param>
/// <param name="AdapterSpec">An exact spec (compared after parsing, so key order and defaults do not matter); null for a pattern.</param>
/// <param name="AdapterKind">For a pattern: "lora" or "bottleneck".</param>
/// <param name="MaxRank">For a LoRA pattern: the highest rank allowed; null = any.</param>
/// <param name="MinReduction">For a bottleneck pattern: the smallest reduction factor allowed (a larger bottleneck carries more); null = any.</param>
internal sealed record FederationRule(string BackboneSha256, AdapterSpec? AdapterSpec, string? AdapterKind, int? MaxRank, int? MinReduction)
{
    /// <summary>True when <paramref name="specText"/> is this rule's spec or fits its pattern; a spec that does not parse never fits.</summary>
    public bool AllowsAdapter(string specText)
    {
        if (!AdapterSpec.TryParse(specText, out var spec, out _) || spec is null) return false;
        if (AdapterSpec is not null) return AdapterSpec.Equals(spec);
        return (AdapterKind, spec) switch
        {
            ("lora", LoraSpec lora) => MaxRank is null || lora.Rank <= MaxRank,
            ("bottleneck", BottleneckSpec bottleneck) => MinReduction is null || bottleneck.Reduction >= MinReduction,
            _ => false,
        };
    }
}
