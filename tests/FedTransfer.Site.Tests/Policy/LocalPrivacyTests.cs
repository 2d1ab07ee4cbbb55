using FedTransfer.Federation.Privacy;
using FedTransfer.Site.Policy;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Tests.Policy;

public sealed class LocalPrivacyTests
{
    private static List<TensorRecord> Delta(float scale) =>
    [
        TensorRecord.Create<float>("head.bias", [3 * scale, -4 * scale], 2),
        TensorRecord.Create<float>("lora.a", [12 * scale, 0, 0, 0], 2, 2),
    ]; // global norm 13·scale

    [Fact]
    public void Apply_NormAboveClip_ScalesToClipNormKeepingDirectionNamesAndShapes()
    {
        // Arrange
        var delta = Delta(1f);

        // Act
        var (clipped, applied) = LocalPrivacy.Apply(delta, new PrivacyParameters(1.0, 0), GaussianNoise.Seeded(1));

        // Assert
        Assert.Equal(13.0, applied.NormBeforeClip, 5);
        Assert.Equal(1.0, LocalPrivacy.GlobalNorm(clipped), 5);
        var before = delta.SelectMany(t => t.ToSingles()).ToArray();
        var after = clipped.SelectMany(t => t.ToSingles()).ToArray();
        for (var i = 0; i < before.Length; i++) Assert.Equal(before[i] / 13.0, after[i], 6); // same direction: a positive multiple
        Assert.Equal(delta.Select(t => (t.Name, t.DType, t.ShapeText)), clipped.Select(t => (t.Name, t.DType, t.ShapeText)));
    }

    [Fact]
    public void Apply_NormBelowClip_LeavesTheDeltaAsItIs()
    {
        // Arrange
        var delta = Delta(0.01f);

        // Act
        var (clipped, applied) = LocalPrivacy.Apply(delta, new PrivacyParameters(1.0, 0), GaussianNoise.Seeded(1));

        // Assert
        Assert.Equal(0.13, applied.NormBeforeClip, 5);
        Assert.Equal(delta.SelectMany(t => t.ToSingles()), clipped.SelectMany(t => t.ToSingles()));
    }

    [Fact]
    public void Apply_WithNoise_ElementsDifferFromTheClippedDeltaByNoiseOfStdZTimesC()
    {
        // Arrange: a zero delta of 200,000 elements, so what comes out is the noise itself.
        var zero = new List<TensorRecord> { TensorRecord.Create<float>("w", new float[200_000], 200_000) };

        // Act
        var (noised, applied) = LocalPrivacy.Apply(zero, new PrivacyParameters(0.5, 2.0), GaussianNoise.Seeded(42));

        // Assert: std 1.0 = 2.0 × 0.5; with n = 200k the standard errors are ~0.0022 (mean) and ~0.0016 (std).
        var values = noised[0].ToSingles();
        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(std, 0.99, 1.01);
        Assert.Equal(new LocalPrivacyApplied(0.5, 2.0, 0), applied);
    }

    [Fact]
    public void Apply_Float16Delta_StaysFloat16()
    {
        // Arrange
        var delta = new List<TensorRecord> { TensorRecord.FromSingles("w", [6f, 8f], DType.Float16, 2) };

        // Act
        var (clipped, _) = LocalPrivacy.Apply(delta, new PrivacyParameters(5.0, 0), GaussianNoise.Seeded(1));

        // Assert
        Assert.Equal(DType.Float16, clipped[0].DType);
        Assert.Equal([3f, 4f], clipped[0].ToSingles());
    }

    [Fact]
    public void Apply_NonFiniteDelta_Throws()
    {
        // Arrange
        var delta = new List<TensorRecord> { TensorRecord.Create<float>("w", [float.NaN, 1f], 2) };

        // Act / Assert
        Assert.Throws<InvalidOperationException>(() => LocalPrivacy.Apply(delta, new PrivacyParameters(1, 1), GaussianNoise.Seeded(1)));
    }
}
