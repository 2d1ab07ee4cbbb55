using FedTransfer.Models.NN;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class ClassificationHeadTests
{
    [Fact]
    public void NamedParameters_AreThoseOfAPlainLinear()
    {
        using var head = new ClassificationHead(16, 5, dropout: 0.1);

        Assert.Equal(["weight", "bias"], head.named_parameters().Select(p => p.name));
        Assert.Equal([5L, 16L], head.named_parameters().First().parameter.shape);
    }

    [Fact]
    public void Forward_InEval_IsDeterministic()
    {
        Engine.Seed(14);
        using var head = new ClassificationHead(16, 5, dropout: 0.5);
        head.eval();
        using var scope = NewDisposeScope();
        var x = randn(3, 16);

        var first = head.call(x).data<float>().ToArray();
        var second = head.call(x).data<float>().ToArray();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Constructor_ZeroClasses_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassificationHead(16, 0));
    }
}
