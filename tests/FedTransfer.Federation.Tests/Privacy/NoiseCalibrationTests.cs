using FedTransfer.Federation.Privacy;

namespace FedTransfer.Federation.Tests.Privacy;

public class NoiseCalibrationTests
{
    [Theory]
    [InlineData(1.0, 0.1, 30)]
    [InlineData(3.0, 0.1, 30)]
    [InlineData(8.0, 1.0, 5)]
    public void MultiplierFor_SpendsAtMostTheBudget_AndALittleLessNoiseWouldNot(double epsilon, double q, int steps)
    {
        var z = NoiseCalibration.MultiplierFor(epsilon, 1e-5, q, steps);

        Assert.True(RdpAccountant.EpsilonAfter(q, z, steps, 1e-5) <= epsilon);
        Assert.True(RdpAccountant.EpsilonAfter(q, z * 0.99, steps, 1e-5) > epsilon);
    }

    [Fact]
    public void Rdp_LargeNoiseAtHalfSampling_FallsBackToTheNextIntegerOrderBound()
    {
        // The fractional series decays only polynomially here; the result must still be a valid (upper) bound.
        var fractional = SampledGaussianRdp.Rdp(0.5, 100, 1.25);
        var integer = SampledGaussianRdp.Rdp(0.5, 100, 2);

        Assert.InRange(fractional, 0, integer);
        Assert.True(double.IsFinite(fractional));
    }
}
