namespace FedTransfer.Torch.Tests;

public sealed class TensorAutogradTests
{
    [Fact]
    public void Backward_SumOfSquares_GradIsTwiceInput()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1f, -2f, 3f]);
        x.RequiresGrad = true;

        x.Mul(x).Sum().Backward();

        Assert.Equal(new[] { 2f, -4f, 6f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void Grad_BeforeBackward_IsNull_AfterZeroGrad_IsNullAgain()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1f]);
        x.RequiresGrad = true;

        Assert.Null(x.Grad);
        x.Mul(3).Sum().Backward();
        Assert.Equal(3f, x.Grad!.ToSingle());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void Backward_Twice_AccumulatesGradients()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([2f]);
        x.RequiresGrad = true;

        x.Mul(5).Sum().Backward();
        x.Mul(5).Sum().Backward();

        Assert.Equal(10f, x.Grad!.ToSingle());
    }

    [Fact]
    public void Grad_EachCall_IsNewHandleOwnedByCurrentScope()
    {
        var x = Tensor.From([1f]);
        x.RequiresGrad = true;
        x.Mul(2).Sum().Backward();
        Tensor g1;
        Tensor g2;

        using (Torch.NewDisposeScope())
        {
            g1 = x.Grad!;
            g2 = x.Grad!;
            Assert.NotSame(g1, g2);
        }

        Assert.True(g1.IsDisposed);
        Assert.True(g2.IsDisposed);
        Assert.Equal(2f, x.Grad!.ToSingle());
        x.Dispose();
    }

    [Fact]
    public void RequiresGrad_PropagatesToResults_NotUnderNoGrad()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1f]);
        x.RequiresGrad = true;

        var y = x.Mul(2);
        Tensor z;
        using (Torch.NoGrad())
        {
            z = x.Mul(2);
        }

        Assert.True(y.RequiresGrad);
        Assert.False(y.IsLeaf);
        Assert.True(x.IsLeaf);
        Assert.False(z.RequiresGrad);
    }

    [Fact]
    public void RequiresGrad_OnIntegerTensor_ThrowsTorchException()
    {
        using var t = Tensor.From([1L]);

        Assert.Throws<TorchException>(() => t.RequiresGrad = true);
    }
}
