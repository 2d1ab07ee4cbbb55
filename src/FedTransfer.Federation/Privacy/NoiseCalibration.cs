namespace FedTransfer.Federation.Privacy;

/// <summary>The smallest noise multiplier that keeps a planned number of sampled Gaussian steps within an ε budget.</summary>
public static class NoiseCalibration
{
    /// <summary>
    /// z such that <paramref name="steps"/> steps at sampling rate <paramref name="samplingRate"/> spend at most
    /// <paramref name="epsilon"/> at <paramref name="delta"/> (improved conversion), to within 0.1 % of z. ε falls as z
    /// grows, so bisection finds it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ε not positive, or no z up to 10⁴ is enough.</exception>
    public static double MultiplierFor(double epsilon, double delta, double samplingRate, int steps)
    {
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be a positive number");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        double Spent(double z) => RdpAccountant.EpsilonAfter(samplingRate, z, steps, delta);
        double low = 1e-2, high = 1e4;
        if (Spent(high) > epsilon) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"no noise multiplier up to {high} keeps {steps} steps at q={samplingRate} within epsilon {epsilon}");
        if (Spent(low) <= epsilon) return low;
        while (high / low > 1.001)
        {
            var middle = Math.Sqrt(low * high);
            if (Spent(middle) > epsilon) low = middle;
            else high = middle;
        }
        return high;
    }
}
