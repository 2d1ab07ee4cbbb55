using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.NN;

public sealed class Conv2dTests
{
    [Fact]
    public void Forward_StridedKernel_GivesExpectedGrid()
    {
        using var conv = new Conv2d(3, 8, kernelSize: 4, stride: 4);
        using var scope = Torch.NewDisposeScope();

        var y = conv.Forward(Tensor.Zeros([2, 3, 16, 16]));

        Assert.Equal([2L, 8L, 4L, 4L], y.Shape);
    }

    [Fact]
    public void Constructor_NegativePadding_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2d(1, 1, 3, padding: -1));
    }
}
