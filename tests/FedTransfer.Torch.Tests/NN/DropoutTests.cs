using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.NN;

public sealed class DropoutTests
{
    [Fact]
    public void Forward_InEval_ReturnsInputUnchanged()
    {
        using var dropout = new Dropout(0.5);
        dropout.Eval();
        using var x = Tensor.Ones([100]);

        var y = dropout.Forward(x);

        Assert.Same(x, y);
    }

    [Fact]
    public void Forward_InTraining_ZeroesAboutPAndScalesTheRest()
    {
        Torch.ManualSeed(5);
        using var dropout = new Dropout(0.25);
        using var scope = Torch.NewDisposeScope();

        var y = dropout.Forward(Tensor.Ones([10_000])).ToArray<float>();

        var zeros = y.Count(v => v == 0);
        Assert.InRange(zeros, 2_200, 2_800);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.75f, v, 5));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Constructor_ProbabilityOutOfRange_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p));
    }
}
