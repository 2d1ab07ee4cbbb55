using FedTransfer.Models.NN;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class SequentialTests
{
    [Fact]
    public void Forward_AppliesModulesInOrder_NamesByIndex()
    {
        using var seq = new Sequential([Layers.Linear(2, 3), Layers.Linear(3, 1)]);
        using var scope = NewDisposeScope();

        var y = seq.call(zeros(4, 2));

        Assert.Equal([4L, 1L], y.shape);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias"], seq.named_parameters().Select(p => p.name));
        Assert.Throws<ArgumentOutOfRangeException>(() => seq[2]);
    }
}
