using FedTransfer.Torch.Optim;
using FedTransfer.Torch.Tests.Support;

namespace FedTransfer.Torch.Tests.Optim;

public sealed class SgdTests
{
    [Fact]
    public void Step_MomentumAndWeightDecay_TwoStepsMatchHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1.0, -2.0]);
        p.RequiresGrad = true;
        var gradient = Tensor.From([0.5, 0.1]);
        using var optimizer = new Sgd([p], lr: 0.1, momentum: 0.9, weightDecay: 0.1);

        optimizer.ZeroGrad();
        p.Mul(gradient).Sum().Backward();
        optimizer.Step();
        // d = g + wd·p = (0.6, -0.1); buf = d; p = (0.94, -1.99)
        Approx.Equal(new[] { 0.94, -1.99 }, p.Detach().ToArray<double>(), 1e-12);

        optimizer.ZeroGrad();
        p.Mul(gradient).Sum().Backward();
        optimizer.Step();
        // d = (0.594, -0.099); buf = 0.9·(0.6, -0.1) + d = (1.134, -0.189); p = (0.8266, -1.9711)
        Approx.Equal(new[] { 0.8266, -1.9711 }, p.Detach().ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Step_PlainSgd_SubtractsLrTimesGrad()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1f, 2f]);
        p.RequiresGrad = true;
        using var optimizer = new Sgd([p], lr: 0.5);

        p.Mul(Tensor.From([2f, -4f])).Sum().Backward();
        optimizer.Step();

        Assert.Equal(new[] { 0f, 4f }, p.Detach().ToArray<float>());
    }

    [Fact]
    public void Constructor_NegativeMomentum_ThrowsTorchException()
    {
        using var p = Tensor.Zeros([1]);

        Assert.Throws<TorchException>(() => new Sgd([p], lr: 0.1, momentum: -1));
    }
}
