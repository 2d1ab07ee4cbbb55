using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

public sealed class MlpTests
{
    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(15);
        using var mlp = new Mlp(4, 8);
        using var x = Tensor.Randn([3, 4]);

        GradientCheck.AssertModuleGradients(mlp, x, ["fc1.weight", "fc1.bias", "fc2.weight"]);
    }
}
