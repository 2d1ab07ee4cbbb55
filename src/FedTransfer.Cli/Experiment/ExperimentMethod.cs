using FedTransfer.Federation.Updates;

namespace FedTransfer.Cli.Experiment;

/// <summary>Who trains in a method: everyone's data pooled in one place, the sites federated, or each site on its own.</summary>
internal enum MethodKind
{
    Centralised,
    Federated,
    SiteAlone,
}

/// <summary>One row of the results table: what trains (the adapter spec) and how (pooled, federated, alone).</summary>
/// <param name="Key">Short name for <c>--methods</c>, e.g. "exact".</param>
/// <param name="Name">Row label, e.g. "federated LoRA (exact)".</param>
/// <param name="Kind">Who trains.</param>
/// <param name="AdapterSpec">The spec the sites' model factory builds (LoRA rows carry their <c>agg=</c> mode).</param>
/// <param name="LearningRate">Constant AdamW rate of the sites' training loop.</param>
/// <param name="Encoding">How the sites encode their deltas for the wire (a run setting).</param>
/// <param name="CentralDpEpsilon">For a central DP row: the ε its noise is calibrated to over the run; null = no DP.</param>
internal sealed record ExperimentMethod(string Key, string Name, MethodKind Kind, string AdapterSpec, double LearningRate,
    DeltaEncoding Encoding = DeltaEncoding.Float32, double? CentralDpEpsilon = null)
{
    /// <summary>The rows this experiment runs: the central DP rows when epsilons are given, else the learning table.</summary>
    public static IReadOnlyList<ExperimentMethod> For(ExperimentSettings s) => s.CentralDpEpsilons.Count > 0 ? CentralDp(s) : All(s);

    /// <summary>Federated LoRA (frozen-a) without DP, then with DP-FedAvg at each epsilon of the settings.</summary>
    public static IReadOnlyList<ExperimentMethod> CentralDp(ExperimentSettings s) =>
    [
        new("dp-none", "federated LoRA (frozen-a), no DP", MethodKind.Federated, WithAggregation(s.LoraSpec, "frozen-a"), s.LearningRate),
        .. s.CentralDpEpsilons.Select(e => new ExperimentMethod(FormattableString.Invariant($"dp-eps{e:0.###}"),
            FormattableString.Invariant($"federated LoRA (frozen-a), central DP epsilon {e:0.###}"), MethodKind.Federated,
            WithAggregation(s.LoraSpec, "frozen-a"), s.LearningRate, CentralDpEpsilon: e)),
    ];

    /// <summary>The rows of the table, in order. LoRA aggregation modes other than the default are spec settings (<c>agg=</c>).</summary>
    public static IReadOnlyList<ExperimentMethod> All(ExperimentSettings s) =>
    [
        new("central", "centralised LoRA (pooled data)", MethodKind.Centralised, s.LoraSpec, s.LearningRate),
        new("naive", "federated LoRA (naive)", MethodKind.Federated, WithAggregation(s.LoraSpec, "naive"), s.LearningRate),
        new("frozen-a", "federated LoRA (frozen-a)", MethodKind.Federated, WithAggregation(s.LoraSpec, "frozen-a"), s.LearningRate),
        new("exact", "federated LoRA (exact)", MethodKind.Federated, WithAggregation(s.LoraSpec, "exact"), s.LearningRate),
        new("frozen-a-int8", "federated LoRA (frozen-a, int8 updates)", MethodKind.Federated, WithAggregation(s.LoraSpec, "frozen-a"), s.LearningRate,
            DeltaEncoding.AffineInt8),
        new("bottleneck", "federated bottleneck adapters", MethodKind.Federated, s.BottleneckSpec, s.LearningRate),
        new("head-only", "federated head-only", MethodKind.Federated, "head-only", s.LearningRate),
        new("full", "federated full fine-tuning", MethodKind.Federated, "full", s.FullLearningRate),
        new("alone", "each site alone (mean of sites)", MethodKind.SiteAlone, s.LoraSpec, s.LearningRate),
    ];

    /// <summary>The keys <c>--methods</c> accepts, in table order.</summary>
    public static IReadOnlyList<string> Keys { get; } = All(new ExperimentSettings()).Select(m => m.Key).ToList();

    /// <summary>True for the federated LoRA rows (the ones the gap to centralised is measured on).</summary>
    public bool IsFederatedLora => Kind == MethodKind.Federated && AdapterSpec.StartsWith("lora", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The LoRA spec with its aggregation mode. "naive" is the default behaviour, so it is left implicit: the spec then
    /// parses on any version, and naive needs no support for the <c>agg</c> key.
    /// </summary>
    internal static string WithAggregation(string loraSpec, string mode) =>
        mode == "naive" ? loraSpec : $"{loraSpec},agg={mode}";
}
