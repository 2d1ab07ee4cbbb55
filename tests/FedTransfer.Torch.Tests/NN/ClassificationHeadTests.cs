using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.NN;

public sealed class ClassificationHeadTests
{
    [Fact]
    public void NamedParameters_AreThoseOfAPlainLinear()
    {
        using var head = new ClassificationHead(16, 5, dropout: 0.1);

        Assert.Equal(["weight", "bias"], head.NamedParameters().Select(p => p.Name));
        Assert.Equal([5L, 16L], head.NamedParameters().First().Tensor.Shape);
    }

    [Fact]
    public void Forward_InEval_IsDeterministic()
    {
        Torch.ManualSeed(14);
        using var head = new ClassificationHead(16, 5, dropout: 0.5);
        head.Eval();
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Randn([3, 16]);

        var first = head.Forward(x).ToArray<float>();
        var second = head.Forward(x).ToArray<float>();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Constructor_ZeroClasses_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationHead(16, 0));
    }
}
