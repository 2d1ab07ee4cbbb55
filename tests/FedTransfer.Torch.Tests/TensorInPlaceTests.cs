namespace FedTransfer.Torch.Tests;

public sealed class TensorInPlaceTests
{
    [Fact]
    public void AddInPlaceAndMulInPlace_UpdateValuesAndReturnSelf()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.From([1f, 2f]);
        var other = Tensor.From([10f, 20f]);

        var returned = t.AddInPlace(other, alpha: 0.5).MulInPlace(2);

        Assert.Same(t, returned);
        Assert.Equal(new[] { 12f, 24f }, t.ToArray<float>());
    }

    [Fact]
    public void CopyFromZeroFill_OverwriteValues()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.Zeros([3]);

        t.CopyFrom(Tensor.From([1.0, 2.0, 3.0]));
        Assert.Equal(new[] { 1f, 2f, 3f }, t.ToArray<float>());
        t.FillInPlace(4);
        Assert.Equal(new[] { 4f, 4f, 4f }, t.ToArray<float>());
        t.ZeroInPlace();
        Assert.Equal(new[] { 0f, 0f, 0f }, t.ToArray<float>());
    }

    [Fact]
    public void NormalAndUniformInPlace_SampleWithRequestedMoments()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(11);
        var normal = Tensor.Empty([20000], DType.Float64).NormalInPlace(2, 0.5);
        var uniform = Tensor.Empty([20000], DType.Float64).UniformInPlace(-3, -1);

        Assert.InRange(normal.Mean().ToDouble(), 1.98, 2.02);
        Assert.InRange(normal.Sub(2).Pow(2).Mean().ToDouble(), 0.24, 0.26);
        Assert.All(uniform.ToArray<double>(), v => Assert.InRange(v, -3, -1));
    }

    [Fact]
    public void InPlace_OnLeafRequiringGrad_ThrowsUnlessNoGrad()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.Ones([2]);
        p.RequiresGrad = true;

        Assert.Throws<TorchException>(() => p.MulInPlace(2));
        using (Torch.NoGrad())
        {
            p.MulInPlace(2);
        }

        Assert.Equal(new[] { 2f, 2f }, p.Detach().ToArray<float>());
    }
}
