namespace FedTransfer.Weights.Adapters;

/// <summary>
/// No adapters: only a new classification head on the frozen backbone (a linear probe). Spelled <c>head-only</c>; it
/// lets a federation train the smallest possible trainable set, the baseline that shows what adapters add.
/// </summary>
public sealed record HeadOnlySpec : AdapterSpec
{
    /// <summary>The spec's kind as written in text.</summary>
    public const string Kind = "head-only";

    internal static HeadOnlySpec FromPairs(string spec, Dictionary<string, string> pairs)
    {
        RejectUnknownKeys(spec, Kind, pairs);
        return new HeadOnlySpec();
    }

    /// <summary>Canonical spec string.</summary>
    public override string ToString() => Kind;
}
