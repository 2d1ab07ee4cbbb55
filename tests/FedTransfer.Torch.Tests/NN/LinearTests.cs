using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

public sealed class LinearTests
{
    [Fact]
    public void Forward_MatchesManualMatrixProduct()
    {
        Torch.ManualSeed(1);
        using var layer = new Linear(3, 2);
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1f, 2f, 3f, -1f, 0.5f, 2f], 2, 3);
        var w = layer.Weight.ToArray<float>();
        var b = layer.Bias!.ToArray<float>();

        var y = layer.Forward(x).ToArray<float>();

        var xs = x.ToArray<float>();
        for (var row = 0; row < 2; row++)
            for (var o = 0; o < 2; o++)
            {
                var expected = b[o] + xs[row * 3] * w[o * 3] + xs[row * 3 + 1] * w[o * 3 + 1] + xs[row * 3 + 2] * w[o * 3 + 2];
                Assert.Equal(expected, y[row * 2 + o], 5);
            }
    }

    [Fact]
    public void Constructor_KaimingUniformInit_StaysWithinOneOverSqrtFanIn()
    {
        Torch.ManualSeed(2);
        using var layer = new Linear(64, 32);
        var bound = 1 / Math.Sqrt(64);

        var w = layer.Weight.ToArray<float>();

        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.8 * bound && w.Min() < -0.8 * bound, "weights should spread over the whole interval");
        Assert.Equal([32L, 64L], layer.Weight.Shape);
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(3);
        using var layer = new Linear(4, 3);
        using var x = Tensor.Randn([2, 5, 4]);

        GradientCheck.AssertModuleGradients(layer, x, ["weight", "bias"]);
    }

    [Fact]
    public void Forward_WrongInputWidth_ThrowsTorchException()
    {
        using var layer = new Linear(4, 3);
        using var scope = Torch.NewDisposeScope();

        Assert.Throws<TorchException>(() => layer.Forward(Tensor.Zeros([2, 5])));
    }
}
