namespace FedTransfer.Weights.Adapters;

/// <summary>
/// No adapters and nothing frozen: every backbone weight and the new head train (full fine-tuning). Spelled <c>full</c>;
/// the trainable set, and so every site's upload, is then the whole model — the upper bound adapters are measured against.
/// </summary>
public sealed record FullSpec : AdapterSpec
{
    /// <summary>The spec's kind as written in text.</summary>
    public const string Kind = "full";

    internal static FullSpec FromPairs(string spec, Dictionary<string, string> pairs)
    {
        RejectUnknownKeys(spec, Kind, pairs);
        return new FullSpec();
    }

    /// <summary>Canonical spec string.</summary>
    public override string ToString() => Kind;
}
