using FedTransfer.Torch.Optim;

namespace FedTransfer.Torch.Tests.Optim;

public sealed class OptimizerTests
{
    [Fact]
    public void LearningRate_Set_AffectsNextStep()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1f]);
        p.RequiresGrad = true;
        using var optimizer = new Sgd([p], lr: 1);

        optimizer.LearningRate = 0.25;
        p.Mul(2).Sum().Backward();
        optimizer.Step();

        Assert.Equal(0.25, optimizer.LearningRate);
        Assert.Equal(0.5f, p.Detach().ToSingle());
    }

    [Fact]
    public void ZeroGrad_DropsGradients()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1f]);
        p.RequiresGrad = true;
        using var optimizer = new AdamW([p], lr: 0.1);
        p.Sum().Backward();

        optimizer.ZeroGrad();

        Assert.Null(p.Grad);
    }

    [Fact]
    public void Optimizer_KeepsParameterAfterCallerDisposesHandle()
    {
        var p = Tensor.From([1f]);
        p.RequiresGrad = true;
        using var alias = p.Alias();
        using var optimizer = new Sgd([p], lr: 1);
        using (Torch.NewDisposeScope())
        {
            alias.Mul(3).Sum().Backward();
        }

        p.Dispose();
        optimizer.Step();

        Assert.Equal(-2f, alias.Detach().ToSingle());
    }

    [Fact]
    public void Constructor_EmptyOrNonLeafParameters_ThrowsClearly()
    {
        using var scope = Torch.NewDisposeScope();
        var leaf = Tensor.Ones([1]);
        leaf.RequiresGrad = true;
        var computed = leaf.Mul(2);

        Assert.Throws<ArgumentException>(() => new AdamW([], lr: 0.1));
        var e = Assert.Throws<TorchException>(() => new Sgd([computed], lr: 0.1));
        Assert.Contains("not a leaf", e.Message);
    }

    [Fact]
    public void Dispose_ThenStep_ThrowsObjectDisposed()
    {
        using var p = Tensor.Zeros([1]);
        var optimizer = new Sgd([p], lr: 0.1);

        optimizer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => optimizer.Step());
    }
}
