using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Adapters;

/// <summary>
/// Houlsby bottleneck adapter (Houlsby et al. 2019): <c>x + up(gelu(down(x)))</c> with <c>down</c> dim → dim/reduction and
/// <c>up</c> back to dim. <c>up</c> starts at zero (weight and bias), so the adapter is the identity until it trains.
/// </summary>
public sealed class BottleneckAdapter : Module
{
    /// <summary>Creates an adapter for <paramref name="dim"/>-wide tokens with a hidden width of max(1, dim / reduction).</summary>
    public BottleneckAdapter(long dim, int reduction)
    {
        if (dim <= 0 || reduction <= 0)
            throw new ArgumentOutOfRangeException(nameof(reduction), $"bottleneck adapter needs positive dim and reduction, got dim={dim}, reduction={reduction}");
        Hidden = Math.Max(1, dim / reduction);
        RegisterModule("down", new Linear(dim, Hidden));
        var up = RegisterModule("up", new Linear(Hidden, dim));
        using (Torch.NoGrad())
        {
            up.Weight.ZeroInPlace();
            up.Bias!.ZeroInPlace();
        }
    }

    /// <summary>Bottleneck width.</summary>
    public long Hidden { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        input.Add(Child("up").Forward(Child("down").Forward(input).Gelu()));
}
