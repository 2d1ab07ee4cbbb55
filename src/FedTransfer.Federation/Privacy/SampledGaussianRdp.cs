using MathNet.Numerics;

namespace FedTransfer.Federation.Privacy;

/// <summary>
/// Rényi differential privacy of the (Poisson-)sampled Gaussian mechanism: each step includes a record with probability
/// q, clips its contribution to L2 sensitivity 1 and adds N(0, σ²) noise. RDP of order α (Mironov, "Rényi Differential
/// Privacy", CSF 2017; Mironov, Talwar, Zhang, "Rényi Differential Privacy of the Sampled Gaussian Mechanism",
/// arXiv:1908.10530, 2019) is ε(α) = log(A_α) / (α − 1) with A_α = E_{z∼μ₀}[(μ(z)/μ₀(z))^α], μ₀ = N(0, σ²),
/// μ₁ = N(1, σ²), μ = (1 − q)μ₀ + qμ₁. Without sampling (q = 1) this is the Gaussian mechanism's α / (2σ²).
/// Everything is computed in log space so that large orders and tiny q neither overflow nor underflow.
/// </summary>
public static class SampledGaussianRdp
{
    /// <summary>RDP of order <paramref name="order"/> for one step; +∞ when σ = 0 (no noise), 0 when q = 0.</summary>
    /// <param name="samplingRate">q in [0, 1].</param>
    /// <param name="noiseMultiplier">σ (noise standard deviation over sensitivity), &gt;= 0.</param>
    /// <param name="order">α &gt; 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter outside its range.</exception>
    public static double Rdp(double samplingRate, double noiseMultiplier, double order)
    {
        if (!(samplingRate is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "the sampling rate must be in [0, 1]");
        if (!(noiseMultiplier >= 0) || !double.IsFinite(noiseMultiplier)) throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "the noise multiplier must be finite and >= 0");
        if (!(order > 1) || !double.IsFinite(order)) throw new ArgumentOutOfRangeException(nameof(order), order, "the RDP order must be finite and > 1");
        if (samplingRate == 0) return 0;
        if (noiseMultiplier == 0) return double.PositiveInfinity;
        if (samplingRate == 1) return order / (2 * noiseMultiplier * noiseMultiplier);
        if (order == Math.Floor(order)) return Math.Max(0, LogAIntegerOrder(samplingRate, noiseMultiplier, (int)order) / (order - 1));
        var logA = LogAFractionalOrder(samplingRate, noiseMultiplier, order);
        return double.IsNaN(logA)
            ? Rdp(samplingRate, noiseMultiplier, Math.Ceiling(order))
            : Math.Max(0, logA / (order - 1));
    }

    // Integer α: expand ((1 − q) + q·exp((2z − 1)/(2σ²)))^α binomially and integrate each term against μ₀ (MTZ 2019, §3.2):
    // A_α = Σ_{k=0..α} C(α, k) (1 − q)^{α−k} q^k exp((k² − k)/(2σ²)).
    private static double LogAIntegerOrder(double q, double sigma, int alpha)
    {
        var sum = new SignedLogSum();
        var logQ = Math.Log(q);
        var log1MinusQ = Log1P(-q);
        for (var k = 0; k <= alpha; k++)
        {
            var logBinomial = SpecialFunctions.GammaLn(alpha + 1.0) - SpecialFunctions.GammaLn(k + 1.0) - SpecialFunctions.GammaLn(alpha - k + 1.0);
            sum.Add(logBinomial + (alpha - k) * log1MinusQ + k * logQ + (k * (double)k - k) / (2 * sigma * sigma), positive: true);
        }
        return sum.Value;
    }

    // Fractional α (MTZ 2019, §3.3): split the integral at z₀ = σ² log(1/q − 1) + 1/2, where the two mixture components'
    // weights cross, and expand each half with the generalised binomial series (whose coefficients alternate in sign
    // once k exceeds α). Each term is a Gaussian integral over a half-line, hence the erfc factors:
    // A₁ = Σ_k C(α,k) (1−q)^{α−k} q^k exp((k²−k)/(2σ²)) · ½ erfc((k − z₀)/(√2 σ)),
    // A₂ = Σ_k C(α,k) (1−q)^k q^{α−k} exp(((α−k)²−(α−k))/(2σ²)) · ½ erfc((z₀ − (α−k))/(√2 σ)).
    private static double LogAFractionalOrder(double q, double sigma, double alpha)
    {
        var sum = new SignedLogSum();
        var logQ = Math.Log(q);
        var log1MinusQ = Log1P(-q);
        var z0 = sigma * sigma * Math.Log(1 / q - 1) + 0.5;
        var logHalf = Math.Log(0.5);
        var logBinomial = 0.0; // log |C(α, 0)|
        var positive = true;
        for (var k = 0; k < MaxSeriesTerms; k++)
        {
            var j = alpha - k;
            var term1 = logBinomial + j * log1MinusQ + k * logQ + (k * (double)k - k) / (2 * sigma * sigma)
                + logHalf + LogErfc((k - z0) / (Math.Sqrt(2) * sigma));
            var term2 = logBinomial + k * log1MinusQ + j * logQ + (j * j - j) / (2 * sigma * sigma)
                + logHalf + LogErfc((z0 - j) / (Math.Sqrt(2) * sigma));
            sum.Add(term1, positive);
            sum.Add(term2, positive);
            // Past α the terms alternate in sign and shrink, so the error is below the last term: stop once it is below
            // 1e-13 of log A (≈ A − 1, which the RDP is proportional to).
            if (k > alpha && Math.Max(term1, term2) < Math.Log(1e-13 * Math.Max(sum.Value, 1e-300))) return sum.Value;
            // C(α, k+1) = C(α, k) · (α − k) / (k + 1): the sign flips whenever α − k < 0.
            logBinomial += Math.Log(Math.Abs(j)) - Math.Log(k + 1);
            if (j < 0) positive = !positive;
        }
        // With large σ and q near 1/2 the series decays only polynomially. RDP is non-decreasing in the order
        // (Mironov 2017, Prop. 9), so the next integer order's exact value is a safe (slightly pessimistic) bound.
        return double.NaN;
    }

    private const int MaxSeriesTerms = 20_000;

    /// <summary>log(erfc(x)), accurate where erfc(x) underflows (x beyond ~26).</summary>
    internal static double LogErfc(double x)
    {
        if (x < 25) return Math.Log(SpecialFunctions.Erfc(x));
        // Asymptotic series erfc(x) ≈ exp(−x²)/(x√π) · (1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶)); at x ≥ 25 its error is below 1e-12.
        var inverse = 1 / (x * x);
        return -x * x - Math.Log(x) - 0.5 * Math.Log(Math.PI)
            + Math.Log(1 - 0.5 * inverse + 0.75 * inverse * inverse - 1.875 * inverse * inverse * inverse);
    }

    // log(1 + x) and exp(x) − 1 accurate for tiny x (the BCL's LogP1/ExpM1 compute Log(1 + x) / Exp(x) − 1 directly).
    private static double Log1P(double x) =>
        Math.Abs(x) < 1e-4 ? x * (1 - x * (0.5 - x * (1.0 / 3 - x * 0.25))) : Math.Log(1 + x);

    private static double ExpM1(double x) =>
        Math.Abs(x) < 1e-5 ? x * (1 + x * (0.5 + x / 6)) : Math.Exp(x) - 1;

    // Σ ±exp(tᵢ) kept as two log-sums (positive and negative parts), so no term is ever exponentiated on its own.
    private struct SignedLogSum()
    {
        private double _positive = double.NegativeInfinity;
        private double _negative = double.NegativeInfinity;

        public void Add(double logTerm, bool positive)
        {
            if (double.IsNegativeInfinity(logTerm)) return;
            if (positive) _positive = LogAdd(_positive, logTerm);
            else _negative = LogAdd(_negative, logTerm);
        }

        /// <summary>log(Σ positive − Σ negative); the series here always sum to a positive value.</summary>
        public readonly double Value
        {
            get
            {
                if (double.IsNegativeInfinity(_negative)) return _positive;
                if (_negative >= _positive) throw new InvalidOperationException("the RDP series lost its precision (negative part exceeds the positive part)");
                return _positive + Math.Log(-ExpM1(_negative - _positive));
            }
        }

        private static double LogAdd(double a, double b)
        {
            if (double.IsNegativeInfinity(a)) return b;
            if (double.IsNegativeInfinity(b)) return a;
            var (high, low) = a > b ? (a, b) : (b, a);
            return high + Log1P(Math.Exp(low - high));
        }
    }
}
