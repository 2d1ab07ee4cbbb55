using FedTransfer.Federation.Updates;

namespace FedTransfer.Federation.Tests.Updates;

public class AffineInt8Tests
{
    private static float[] Values(int seed, int n, float low, float high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(low + random.NextDouble() * (high - low))).ToArray();
    }

    [Theory]
    [InlineData(1, -0.03f, 0.05f)]
    [InlineData(2, 0.001f, 0.002f)]   // all positive: the range is stretched to include 0
    [InlineData(3, -7f, -1e-3f)]      // all negative
    [InlineData(4, -1e-6f, 1e-6f)]    // tiny deltas
    public void RoundTrip_EveryElement_WithinHalfAScale(int seed, float low, float high)
    {
        var values = Values(seed, 1001, low, high);
        var q = new byte[values.Length];

        var (scale, zeroPoint) = AffineInt8.Quantize(values, q);
        var back = new float[values.Length];
        AffineInt8.Dequantize(q, scale, zeroPoint, back);

        Assert.InRange(zeroPoint, 0, 255);
        Assert.True(scale > 0);
        for (var i = 0; i < values.Length; i++)
        {
            // scale/2 from rounding, plus the float32 rounding of the dequantised value itself.
            var bound = scale / 2 + Math.Abs(values[i]) * 1.2e-7;
            Assert.True(Math.Abs(back[i] - values[i]) <= bound, $"element {i}: {values[i]} came back as {back[i]} (bound {bound})");
        }
        // The whole 0..255 range is used: the largest value maps to 255 (or the smallest to 0).
        if (values.Max() > 0) Assert.Equal(255, q.Max());
        if (values.Min() < 0) Assert.Equal(0, q.Min());
    }

    [Fact]
    public void Quantize_Zero_IsExact()
    {
        var q = new byte[3];

        var (scale, zeroPoint) = AffineInt8.Quantize([-0.5f, 0f, 0.25f], q);
        var back = new float[3];
        AffineInt8.Dequantize(q, scale, zeroPoint, back);

        Assert.Equal(0f, back[1]);
        Assert.Equal(170, zeroPoint); // 0.5 / (0.75 / 255)
        Assert.Equal(new byte[] { 0, 170, 255 }, q);
    }

    [Fact]
    public void Quantize_AllZeros_UsesUnitScaleAndRoundTripsExactly()
    {
        var q = new byte[4];

        var (scale, zeroPoint) = AffineInt8.Quantize(new float[4], q);

        Assert.Equal(1.0, scale);
        Assert.Equal(0, zeroPoint);
        Assert.All(q, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Quantize_NaN_Throws()
    {
        Assert.Throws<ArgumentException>(() => AffineInt8.Quantize([1f, float.NaN], new byte[2]));
    }

    [Fact]
    public void ReadMetadata_WrittenKeys_ReadBackExactly()
    {
        var metadata = new Dictionary<string, string>();
        AffineInt8.WriteMetadata(metadata, "head.weight", 0.1 / 3, 17);

        var (parameters, error) = AffineInt8.ReadMetadata(metadata, ["head.weight"]);

        Assert.Null(error);
        Assert.Equal((0.1 / 3, 17), parameters!["head.weight"]);
        Assert.Equal(["fedtransfer.q8.head.weight.scale", "fedtransfer.q8.head.weight.zero_point"], metadata.Keys.Order());
    }

    [Theory]
    [InlineData("fedtransfer.q8.w.scale", "-0.5", "3", "must be a finite number >= 0")]
    [InlineData("fedtransfer.q8.w.scale", "NaN", "3", "must be a finite number >= 0")]
    [InlineData("fedtransfer.q8.w.scale", "Infinity", "3", "must be a finite number >= 0")]
    [InlineData("fedtransfer.q8.w.scale", "0.5", "256", "must be an integer 0..255")]
    [InlineData("fedtransfer.q8.w.scale", "0.5", "-1", "must be an integer 0..255")]
    [InlineData("fedtransfer.q8.x.scale", "0.5", "3", "lacks its metadata")]
    public void ReadMetadata_BadValues_RejectsWithReason(string scaleKey, string scale, string zeroPoint, string expected)
    {
        var metadata = new Dictionary<string, string> { [scaleKey] = scale, ["fedtransfer.q8.w.zero_point"] = zeroPoint };

        var (parameters, error) = AffineInt8.ReadMetadata(metadata, ["w"]);

        Assert.Null(parameters);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void ReadMetadata_ZeroScale_IsAcceptedAndDecodesZeros()
    {
        // Another encoder may write an all-zero tensor as scale 0; the review saw such an update refused.
        var metadata = new Dictionary<string, string> { ["fedtransfer.q8.w.scale"] = "0", ["fedtransfer.q8.w.zero_point"] = "128" };

        var (parameters, error) = AffineInt8.ReadMetadata(metadata, ["w"]);
        var back = new float[3];
        AffineInt8.Dequantize([128, 128, 128], parameters!["w"].Scale, parameters["w"].ZeroPoint, back);

        Assert.Null(error);
        Assert.All(back, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReadMetadata_ExtraKey_IsRefused()
    {
        var metadata = new Dictionary<string, string> { ["fedtransfer.q8.w.scale"] = "1", ["fedtransfer.q8.w.zero_point"] = "0", ["note"] = "site 3 data summary" };

        var (_, error) = AffineInt8.ReadMetadata(metadata, ["w"]);

        Assert.Contains("'note' is not one the int8 encoding defines", error);
    }
}
