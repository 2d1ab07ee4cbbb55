using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class ImageFiltersTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    public void GaussianKernel_NormalisedSymmetricPeakedAtCentre(double sigma)
    {
        var k = ImageFilters.GaussianKernel(sigma);

        Assert.Equal(1.0, k.Sum(), 1e-5);
        Assert.Equal(k, k.Reverse());
        Assert.Equal(k.Max(), k[k.Length / 2]);
    }

    [Fact]
    public void Convolve_BoxOnImpulse_SpreadsEvenly()
    {
        var plane = new float[25];
        plane[12] = 9;

        ImageFilters.Convolve(plane, new float[25], 5, 5, ImageFilters.BoxKernel(1));

        for (var y = 0; y < 5; y++)
        for (var x = 0; x < 5; x++)
            Assert.Equal(Math.Abs(y - 2) <= 1 && Math.Abs(x - 2) <= 1 ? 1f : 0f, plane[y * 5 + x], 1e-6);
    }

    [Fact]
    public void Convolve_ConstantImage_Unchanged()
    {
        var plane = Enumerable.Repeat(0.3f, 12).ToArray();

        ImageFilters.Convolve(plane, new float[12], 3, 4, ImageFilters.GaussianKernel(1.5));

        Assert.All(plane, v => Assert.Equal(0.3f, v, 1e-6));
    }
}
