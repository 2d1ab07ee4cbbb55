using System.Globalization;

namespace FedTransfer.Federation.Privacy;

/// <summary>
/// Central differential privacy of a run (DP-FedAvg, McMahan, Ramage, Talwar, Zhang, "Learning Differentially Private
/// Recurrent Language Models", ICLR 2018): the coordinator clips each site's delta to L2 norm <see cref="ClipNorm"/>,
/// sums them with weight 1, adds N(0, (z·C)²) to every element of the sum and divides by the number of sites sampled.
/// The guarantee is user-level (here: site-level): the released global adapters reveal little about whether any one
/// site took part. The run stops before a round that would take ε past <see cref="EpsilonBudget"/> at <see cref="Delta"/>.
/// </summary>
/// <param name="ClipNorm">C &gt; 0, the largest L2 norm a site's delta keeps.</param>
/// <param name="NoiseMultiplier">z &gt; 0; the noise on the sum has standard deviation z·C.</param>
/// <param name="EpsilonBudget">The most ε the run may spend, &gt; 0.</param>
/// <param name="Delta">δ in (0, 1), e.g. 1e-5.</param>
public sealed record CentralDpSettings(double ClipNorm, double NoiseMultiplier, double EpsilonBudget, double Delta)
{
    /// <summary>The first thing wrong with these settings, as one line naming the setting; null when they are valid.</summary>
    public string? Problem() =>
        !(ClipNorm > 0) || !double.IsFinite(ClipNorm) ? $"central_dp_clip must be a positive number (the L2 norm each site's delta is clipped to), got {Text(ClipNorm)}"
        : !(NoiseMultiplier > 0) || !double.IsFinite(NoiseMultiplier) ? $"central_dp_noise_multiplier must be a positive number (noise std over the clip), got {Text(NoiseMultiplier)}"
        : !(EpsilonBudget > 0) || !double.IsFinite(EpsilonBudget) ? $"central_dp_epsilon_budget must be a positive number, got {Text(EpsilonBudget)}"
        : !(Delta is > 0 and < 1) ? $"central_dp_delta must be in (0, 1), e.g. 1e-5, got {Text(Delta)}"
        : null;

    /// <summary>The accountant after rounds at <paramref name="roundRates"/> (one sampling rate per round spent).</summary>
    public RdpAccountant Accountant(IEnumerable<double> roundRates)
    {
        var accountant = new RdpAccountant();
        foreach (var q in roundRates) accountant = accountant.Compose(q, NoiseMultiplier);
        return accountant;
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
