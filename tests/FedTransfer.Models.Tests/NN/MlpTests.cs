using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.NN;

public sealed class MlpTests
{
    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Engine.Seed(15);
        using var mlp = new Mlp(4, 8);
        using var x = randn(3, 4);

        GradientCheck.AssertModuleGradients(mlp, x, ["fc1.weight", "fc1.bias", "fc2.weight"]);
    }
}
