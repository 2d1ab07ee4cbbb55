namespace FedTransfer.Cli.Experiment;

/// <summary>How fast a run converged: the first round whose test accuracy reached a fraction of the run's final accuracy.</summary>
internal static class RoundsToTarget
{
    /// <summary>
    /// The 1-based round at which <paramref name="curve"/> (test accuracy after each round) first reached
    /// <paramref name="fraction"/> × its last value. Always defined for a non-empty curve: at worst the last round.
    /// </summary>
    /// <exception cref="ArgumentException">An empty curve, a non-finite value or a fraction outside (0, 1].</exception>
    public static int Compute(IReadOnlyList<double> curve, double fraction = 0.95)
    {
        ArgumentNullException.ThrowIfNull(curve);
        if (curve.Count == 0) throw new ArgumentException("the accuracy curve is empty: a run has at least one round");
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentException($"fraction must be in (0, 1], got {fraction}");
        if (curve.Any(a => !double.IsFinite(a))) throw new ArgumentException("the accuracy curve holds a non-finite value");
        var target = fraction * curve[^1];
        for (var i = 0; i < curve.Count; i++)
        {
            if (curve[i] >= target) return i + 1;
        }
        return curve.Count;
    }
}
