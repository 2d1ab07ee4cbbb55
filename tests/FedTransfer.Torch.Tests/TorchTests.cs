using FedTransfer.Torch.Tests.Support;

namespace FedTransfer.Torch.Tests;

public sealed class TorchTests
{
    [Fact]
    public void SetNumThreads_ThenGet_ReturnsValue()
    {
        var original = Torch.GetNumThreads();
        try
        {
            Torch.SetNumThreads(1);
            Assert.Equal(1, Torch.GetNumThreads());
        }
        finally
        {
            Torch.SetNumThreads(original);
        }
    }

    [Fact]
    public void SetNumThreads_Zero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Torch.SetNumThreads(0));
    }

    [Fact]
    public void CudaDeviceCount_AgreesWithAvailability()
    {
        Assert.Equal(Torch.CudaIsAvailable(), Torch.CudaDeviceCount() > 0);
    }

    [Fact]
    public void NoGrad_NestedScopes_RestorePreviousMode()
    {
        Assert.True(Torch.IsGradEnabled);
        using (Torch.NoGrad())
        {
            Assert.False(Torch.IsGradEnabled);
            using (Torch.EnableGrad())
            {
                Assert.True(Torch.IsGradEnabled);
            }

            using (Torch.NoGrad())
            {
                Assert.False(Torch.IsGradEnabled);
            }

            Assert.False(Torch.IsGradEnabled);
        }

        Assert.True(Torch.IsGradEnabled);
    }

    [Fact]
    public void ClipGradNorm_AboveMax_ScalesToMaxAndReturnsOriginalNorm()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f, 2f]);
        var b = Tensor.From([2f]);
        a.RequiresGrad = true;
        b.RequiresGrad = true;
        // Gradients 3·(1, 1) and 4·(1): total norm sqrt(9 + 9 + 16) = sqrt(34).
        a.Mul(3).Sum().Add(b.Mul(4).Sum()).Backward();

        var total = Torch.ClipGradNorm([a, b], maxNorm: 1.0);

        Assert.Equal(Math.Sqrt(34), total, 5);
        var scale = 1.0 / (Math.Sqrt(34) + 1e-6);
        Approx.Equal(new[] { (float)(3 * scale), (float)(3 * scale) }, a.Grad!.ToArray<float>(), 1e-6);
        Approx.Equal(new[] { (float)(4 * scale) }, b.Grad!.ToArray<float>(), 1e-6);
    }

    [Fact]
    public void ClipGradNorm_BelowMax_LeavesGradientsAlone()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f]);
        var frozen = Tensor.From([1f]);
        a.RequiresGrad = true;
        a.Mul(0.5).Sum().Backward();

        var total = Torch.ClipGradNorm([a, frozen], maxNorm: 10);

        Assert.Equal(0.5, total, 6);
        Assert.Equal(0.5f, a.Grad!.ToSingle());
    }
}
