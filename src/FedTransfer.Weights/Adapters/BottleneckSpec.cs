namespace FedTransfer.Weights.Adapters;

/// <summary>Houlsby bottleneck adapters (Houlsby et al. 2019): dim → dim/<see cref="Reduction"/> → dim after attention and after the MLP.</summary>
public sealed record BottleneckSpec(int Reduction = 16) : AdapterSpec
{
    internal static BottleneckSpec FromPairs(string spec, Dictionary<string, string> pairs)
    {
        RejectUnknownKeys(spec, "bottleneck", pairs, "reduction");
        return new BottleneckSpec(IntValue(spec, pairs, "reduction", 16, 1));
    }

    /// <summary>Canonical spec string.</summary>
    public override string ToString() => $"bottleneck:reduction={Reduction}";
}
