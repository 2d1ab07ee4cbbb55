using FedTransfer.Models.NN;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.Adapters;

/// <summary>
/// Houlsby bottleneck adapter (Houlsby et al. 2019): <c>x + up(gelu(down(x)))</c> with <c>down</c> dim → dim/reduction and
/// <c>up</c> back to dim. <c>up</c> starts at zero (weight and bias), so the adapter is the identity until it trains.
/// </summary>
public sealed class BottleneckAdapter : TransferModule
{
    /// <summary>Creates an adapter for <paramref name="dim"/>-wide tokens with a hidden width of max(1, dim / reduction).</summary>
    public BottleneckAdapter(long dim, int reduction) : base(nameof(BottleneckAdapter))
    {
        if (dim <= 0 || reduction <= 0)
            throw new ArgumentOutOfRangeException(nameof(reduction), $"bottleneck adapter needs positive dim and reduction, got dim={dim}, reduction={reduction}");
        Hidden = Math.Max(1, dim / reduction);
        AddChild("down", Layers.Linear(dim, Hidden));
        var up = AddChild("up", Layers.Linear(Hidden, dim));
        using (no_grad())
        {
            up.weight.zero_();
            up.bias!.zero_();
        }
    }

    /// <summary>Bottleneck width.</summary>
    public long Hidden { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) =>
        input.add(Child("up").call(nn.functional.gelu(Child("down").call(input))));
}
