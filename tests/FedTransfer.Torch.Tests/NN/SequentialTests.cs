using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.NN;

public sealed class SequentialTests
{
    [Fact]
    public void Forward_AppliesModulesInOrder_NamesByIndex()
    {
        using var seq = new Sequential([new Linear(2, 3), new Linear(3, 1)]);
        using var scope = Torch.NewDisposeScope();

        var y = seq.Forward(Tensor.Zeros([4, 2]));

        Assert.Equal([4L, 1L], y.Shape);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[2]);
    }
}
