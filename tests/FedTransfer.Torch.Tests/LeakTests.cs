using FedTransfer.Torch.Optim;
using FedTransfer.Torch.Tests.Support;
using F = FedTransfer.Torch.Functional;

namespace FedTransfer.Torch.Tests;

[Collection(LiveTensorCollection.Name)]
public sealed class LeakTests
{
    [Fact]
    public void TrainingSteps_InPerStepScopes_LeaveLiveTensorCountUnchanged()
    {
        Torch.ManualSeed(1);
        var weight = Tensor.Randn([4, 8]).MulInPlace(0.1);
        var bias = Tensor.Zeros([4]);
        weight.RequiresGrad = true;
        bias.RequiresGrad = true;
        using var optimizer = new AdamW([weight, bias], lr: 1e-2);
        var before = LiveTensorCollection.SettledCount();
        var firstLoss = 0.0;
        var lastLoss = 0.0;

        for (var step = 0; step < 500; step++)
        {
            using var scope = Torch.NewDisposeScope();
            Torch.ManualSeed(step % 10);
            var x = Tensor.Randn([16, 8]);
            var y = x.Slice(1, 0, 4).ArgMax(1);
            optimizer.ZeroGrad();
            var loss = F.CrossEntropy(F.Linear(x, weight, bias), y);
            loss.Backward();
            Torch.ClipGradNorm([weight, bias], 1.0);
            optimizer.Step();
            var lossValue = loss.ToDouble();
            firstLoss = step == 0 ? lossValue : firstLoss;
            lastLoss = lossValue;
            _ = weight.Grad;
        }

        var after = LiveTensorCollection.SettledCount();
        weight.Dispose();
        bias.Dispose();

        Assert.Equal(before, after);
        Assert.True(lastLoss < firstLoss, $"loss did not fall: {firstLoss} -> {lastLoss}");
    }
}
