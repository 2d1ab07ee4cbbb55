using FedTransfer.Federation.Privacy;

namespace FedTransfer.Federation.Tests.Privacy;

public sealed class GaussianNoiseTests
{
    [Fact]
    public void Seeded_SameSeed_SameSequence()
    {
        // Arrange
        var a = GaussianNoise.Seeded(3);
        var b = GaussianNoise.Seeded(3);

        // Act / Assert
        Assert.Equal(Enumerable.Range(0, 100).Select(_ => a.Next()), Enumerable.Range(0, 100).Select(_ => b.Next()));
    }

    [Fact]
    public void Seeded_Samples_HaveStandardNormalMomentsAndTails()
    {
        // Arrange
        var noise = GaussianNoise.Seeded(11);

        // Act
        var x = Enumerable.Range(0, 200_000).Select(_ => noise.Next()).ToArray();

        // Assert: mean 0, variance 1, P(|x| > 1.96) = 5%, kurtosis 3.
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        var tail = x.Count(v => Math.Abs(v) > 1.959964) / (double)x.Length;
        var kurtosis = x.Average(v => Math.Pow(v - mean, 4)) / (variance * variance);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
        Assert.InRange(tail, 0.047, 0.053);
        Assert.InRange(kurtosis, 2.9, 3.1);
    }

    [Fact]
    public void Secure_TwoSources_DrawDifferentNoise()
    {
        // Arrange
        var a = GaussianNoise.Secure();
        var b = GaussianNoise.Secure();

        // Act
        var first = Enumerable.Range(0, 16).Select(_ => a.Next()).ToArray();
        var second = Enumerable.Range(0, 16).Select(_ => b.Next()).ToArray();

        // Assert: an unseeded CSPRNG never repeats a 16-sample run (a fixed or shared seed would).
        Assert.NotEqual(first, second);
        Assert.All(first, v => Assert.True(double.IsFinite(v)));
    }
}
