using FedTransfer.Federation.Privacy;

namespace FedTransfer.Federation.Tests.Privacy;

public class SampledGaussianRdpTests
{
    [Theory]
    [InlineData(0.5, 2.0)]
    [InlineData(1.1, 7.0)]
    [InlineData(3.0, 1.25)]
    [InlineData(0.8, 256.0)]
    public void Rdp_WithoutSampling_IsTheGaussianClosedForm(double sigma, double order)
    {
        Assert.Equal(order / (2 * sigma * sigma), SampledGaussianRdp.Rdp(1.0, sigma, order), 12);
    }

    [Theory]
    [InlineData(0.01, 1.1, 2.0)]
    [InlineData(0.01, 1.1, 32.0)]
    [InlineData(0.1, 0.8, 5.0)]
    [InlineData(0.3, 2.0, 12.0)]
    [InlineData(0.01, 1.1, 1.25)]
    [InlineData(0.01, 1.1, 4.5)]
    [InlineData(0.1, 0.8, 2.25)]
    [InlineData(0.3, 2.0, 10.5)]
    [InlineData(0.004, 1.12, 17.3)]
    public void Rdp_Sampled_MatchesNumericalIntegrationOfTheMixture(double q, double sigma, double order)
    {
        var expected = NumericRdp(q, sigma, order);

        var actual = SampledGaussianRdp.Rdp(q, sigma, order);

        Assert.True(Math.Abs(actual - expected) <= 1e-7 * Math.Max(1, Math.Abs(expected)) + 1e-12,
            $"q={q} sigma={sigma} order={order}: series {actual:R}, integral {expected:R}");
    }

    [Fact]
    public void Rdp_SmallRate_IsFarBelowTheUnsampledValue()
    {
        // Amplification by sampling: for small q the RDP is close to 2q²α/σ²·… and orders of magnitude below α/(2σ²).
        var sampled = SampledGaussianRdp.Rdp(0.01, 1.0, 8);
        Assert.InRange(sampled, 1e-5, 0.01 * SampledGaussianRdp.Rdp(1.0, 1.0, 8));
    }

    [Fact]
    public void Rdp_EdgeCases_AreExact()
    {
        Assert.Equal(0, SampledGaussianRdp.Rdp(0, 1.0, 4));
        Assert.Equal(double.PositiveInfinity, SampledGaussianRdp.Rdp(0.5, 0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampledGaussianRdp.Rdp(1.5, 1.0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => SampledGaussianRdp.Rdp(0.5, 1.0, 1.0));
    }

    // RDP of order α between the mixture μ = (1 − q)N(0, σ²) + qN(1, σ²) and N(0, σ²), by the trapezoidal rule on
    // log A = log ∫ N(z; 0, σ²) · ((1 − q) + q·exp((2z − 1)/(2σ²)))^α dz, independent of the series in the code under test.
    private static double NumericRdp(double q, double sigma, double order)
    {
        var lower = -40 * sigma;
        var upper = order + 40 * sigma;
        const int intervals = 400_000;
        var h = (upper - lower) / intervals;
        var logs = new double[intervals + 1];
        var max = double.NegativeInfinity;
        for (var i = 0; i <= intervals; i++)
        {
            var z = lower + i * h;
            var logDensity = -z * z / (2 * sigma * sigma) - Math.Log(sigma * Math.Sqrt(2 * Math.PI));
            // log((1 − q) + q·e^t) computed stably for large t.
            var t = (2 * z - 1) / (2 * sigma * sigma);
            var a = Math.Log(1 - q);
            var b = Math.Log(q) + t;
            var logRatio = Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
            logs[i] = logDensity + order * logRatio;
            max = Math.Max(max, logs[i]);
        }
        var sum = 0.0;
        for (var i = 0; i <= intervals; i++) sum += (i == 0 || i == intervals ? 0.5 : 1) * Math.Exp(logs[i] - max);
        return (max + Math.Log(sum * h)) / (order - 1);
    }
}
