using FedTransfer.Torch.Tests.Support;
using F = FedTransfer.Torch.Functional;

namespace FedTransfer.Torch.Tests;

/// <summary>Autograd of the functional ops against central finite differences, in float64.</summary>
public sealed class GradientCheckTests
{
    private static double[] Values(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    [Fact]
    public void Linear_GradientsOfInputWeightAndBias_MatchFiniteDifferences()
    {
        // A fixed random projection of the output makes every output element matter differently.
        var projection = Values(3 * 2, 4);

        GradCheck.Check(
            t => F.Linear(t[0], t[1], t[2]).Mul(Tensor.From(projection, 3, 2)).Sum(),
            [(Values(3 * 4, 1), [3, 4]), (Values(2 * 4, 2), [2, 4]), (Values(2, 3), [2])]);
    }

    [Fact]
    public void LayerNorm_GradientsOfInputWeightAndBias_MatchFiniteDifferences()
    {
        var projection = Values(2 * 5, 8);

        GradCheck.Check(
            t => F.LayerNorm(t[0], [5], t[1], t[2]).Mul(Tensor.From(projection, 2, 5)).Sum(),
            [(Values(2 * 5, 5), [2, 5]), (Values(5, 6), [5]), (Values(5, 7), [5])]);
    }

    [Fact]
    public void CrossEntropyOfGeluMlp_GradientsMatchFiniteDifferences()
    {
        var targets = new long[] { 2, 0, 1 };

        GradCheck.Check(
            t => F.CrossEntropy(F.Linear(F.Linear(t[0], t[1]).Gelu(), t[2]), Tensor.From(targets), labelSmoothing: 0.1),
            [(Values(3 * 4, 9), [3, 4]), (Values(5 * 4, 10), [5, 4]), (Values(3 * 5, 11), [3, 5])]);
    }

    [Fact]
    public void GradCheck_WrongGradient_IsDetected()
    {
        // Detach hides x from autograd inside the product, so autograd's gradient is half the true one.
        Assert.ThrowsAny<Exception>(() => GradCheck.Check(
            t => t[0].Mul(t[0].Detach()).Sum(),
            [(Values(3, 12), [3])]));
    }
}
