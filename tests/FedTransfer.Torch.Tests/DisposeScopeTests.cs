namespace FedTransfer.Torch.Tests;

public sealed class DisposeScopeTests
{
    [Fact]
    public void Dispose_DisposesEveryTensorCreatedInside()
    {
        Tensor a, b, c;
        using (var scope = Torch.NewDisposeScope())
        {
            a = Tensor.Ones([2]);
            b = a.Add(1);
            c = a * b;
            Assert.Equal(3, scope.Count);
        }

        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.True(c.IsDisposed);
    }

    [Fact]
    public void MoveToOuterScope_SurvivesInnerButNotOuter()
    {
        Tensor kept;
        using (var outer = Torch.NewDisposeScope())
        {
            using (Torch.NewDisposeScope())
            {
                kept = Tensor.Ones([1]).MoveToOuterScope();
            }

            Assert.False(kept.IsDisposed);
            Assert.Equal(1, outer.Count);
        }

        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void MoveToOuterScope_FromOutermost_LeavesTensorUnowned()
    {
        Tensor kept;
        using (Torch.NewDisposeScope())
        {
            kept = Tensor.Ones([1]).MoveToOuterScope();
        }

        Assert.False(kept.IsDisposed);
        kept.Dispose();
    }

    [Fact]
    public void DetachFromDisposeScope_SurvivesEveryScope()
    {
        Tensor kept;
        using (Torch.NewDisposeScope())
        {
            using (Torch.NewDisposeScope())
            {
                kept = Tensor.Ones([1]).DetachFromDisposeScope();
            }
        }

        Assert.False(kept.IsDisposed);
        kept.Dispose();
    }

    [Fact]
    public void ExplicitDispose_InsideScope_RemovesTensorFromScope()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.Ones([1]);

        t.Dispose();

        Assert.Equal(0, scope.Count);
    }

    [Fact]
    public void TensorCreatedOutsideScope_IsNotOwnedByLaterScope()
    {
        using var t = Tensor.Ones([1]);
        using (Torch.NewDisposeScope())
        {
            using var inner = t.Add(1);
        }

        Assert.False(t.IsDisposed);
    }

    [Fact]
    public void OutOfOrderDispose_OuterFirst_InnerStillCleansUpAndLaterTensorsAreUnowned()
    {
        var outer = Torch.NewDisposeScope();
        var inner = Torch.NewDisposeScope();
        var a = Tensor.Ones([1]);

        outer.Dispose();
        var b = Tensor.Ones([1]);
        inner.Dispose();
        using var c = Tensor.Ones([1]);

        Assert.True(a.IsDisposed);
        Assert.True(b.IsDisposed);
        Assert.False(c.IsDisposed);
    }

    [Fact]
    public void Scopes_ArePerThread()
    {
        using var scope = Torch.NewDisposeScope();
        Tensor? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = Tensor.Ones([1]));

        thread.Start();
        thread.Join();

        Assert.Equal(0, scope.Count);
        Assert.False(fromOtherThread!.IsDisposed);
        fromOtherThread.Dispose();
    }
}
