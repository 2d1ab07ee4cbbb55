using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests.NN;

public sealed class LayerNormTests
{
    [Fact]
    public void Forward_DefaultAffine_NormalisesEachRowToZeroMeanUnitVariance()
    {
        using var norm = new LayerNorm(4);
        using var scope = Torch.NewDisposeScope();

        var y = norm.Forward(Tensor.From([1f, 2f, 3f, 6f, -2f, 0f, 2f, 4f], 2, 4)).ToArray<float>();

        for (var row = 0; row < 2; row++)
        {
            var values = y.Skip(row * 4).Take(4).ToArray();
            var mean = values.Average();
            Assert.Equal(0, mean, 5);
            Assert.Equal(1, values.Select(v => (v - mean) * (v - mean)).Average(), 3);
        }
    }

    [Fact]
    public void Gradients_MatchFiniteDifferences()
    {
        Torch.ManualSeed(4);
        using var norm = new LayerNorm(6);
        TestTensors.Randomize(norm, 1.0);
        using var x = Tensor.Randn([3, 6]);

        GradientCheck.AssertModuleGradients(norm, x, ["weight", "bias"]);
    }
}
