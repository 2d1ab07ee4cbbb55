using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class ImageShiftTests
{
    private const int Side = 12;

    /// <summary>Two 1×12×12 images: a bright square (rows and columns 4-7) on dark ground, and a horizontal ramp.</summary>
    private static Dataset Images()
    {
        var f = new float[2 * Side * Side];
        for (var y = 0; y < Side; y++)
        for (var x = 0; x < Side; x++)
        {
            f[y * Side + x] = x is >= 4 and < 8 && y is >= 4 and < 8 ? 0.9f : 0.1f;
            f[Side * Side + y * Side + x] = x / (Side - 1f);
        }
        return new Dataset(f, [1, Side, Side], [0, 1]);
    }

    private static double Std(ReadOnlySpan<float> v)
    {
        double mean = 0, sq = 0;
        foreach (var x in v) mean += x;
        mean /= v.Length;
        foreach (var x in v) sq += (x - mean) * (x - mean);
        return Math.Sqrt(sq / v.Length);
    }

    [Fact]
    public void None_LeavesImagesUnchanged()
    {
        var data = Images();

        var shifted = ImageShift.None.Apply(data, seed: 1);

        Assert.Equal(data.Features.ToArray(), shifted.Features.ToArray());
        Assert.Equal(data.Labels.ToArray(), shifted.Labels.ToArray());
    }

    [Fact]
    public void Contrast_BelowOne_ReducesSpreadKeepsMean()
    {
        var data = Images();

        var shifted = new ImageShift(Contrast: 0.5).Apply(data, 1);

        Assert.Equal(Std(data.Row(0)) * 0.5, Std(shifted.Row(0)), 1e-5);
        Assert.Equal(data.Row(0).ToArray().Average(), shifted.Row(0).ToArray().Average(), 1e-5);
    }

    [Fact]
    public void Noise_DeterministicPerSeedAndClamped()
    {
        var shift = new ImageShift(NoiseStd: 0.2);

        var a = shift.Apply(Images(), 5).Features.ToArray();
        var b = shift.Apply(Images(), 5).Features.ToArray();
        var c = shift.Apply(Images(), 6).Features.ToArray();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, v => Assert.InRange(v, 0f, 1f));
        Assert.NotEqual(Images().Features.ToArray(), a);
    }

    [Theory]
    [InlineData("blur=1")]
    [InlineData("box=1")]
    public void Blur_SmoothsEdgesKeepsFlatRegions(string spec)
    {
        var data = Images();

        var shifted = ImageShift.Parse(spec).Apply(data, 1);

        var edgeBefore = data.Row(0)[5 * Side + 4] - data.Row(0)[5 * Side + 3];
        var edgeAfter = shifted.Row(0)[5 * Side + 4] - shifted.Row(0)[5 * Side + 3];
        Assert.True(edgeAfter < edgeBefore * 0.8, $"edge {edgeBefore} → {edgeAfter}");
        Assert.Equal(data.Row(0).ToArray().Average(), shifted.Row(0).ToArray().Average(), 0.05);
        Assert.Equal(0.1f, shifted.Row(0)[0], 1e-5);
    }

    [Fact]
    public void Parse_AllKeys()
    {
        var shift = ImageShift.Parse("contrast=0.6, noise=0.05,blur=0.8,box=2,brightness=-0.1");

        Assert.Equal(new ImageShift(0.6, -0.1, 0.05, 0.8, 2), shift);
        Assert.Equal(ImageShift.None, ImageShift.Parse("none"));
    }

    [Theory]
    [InlineData("sharpen=2")]
    [InlineData("noise=abc")]
    [InlineData("box=1.5")]
    [InlineData("contrast")]
    public void Parse_Bad_ThrowsListingKeys(string text)
    {
        var e = Assert.Throws<FormatException>(() => ImageShift.Parse(text));

        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Apply_NegativeParameter_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageShift(NoiseStd: -1).Apply(Images(), 1));
    }
}
