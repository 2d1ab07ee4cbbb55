using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>
/// Central finite differences in float64 against autograd: the loss is a fixed random projection of the module output,
/// so every output element contributes with a different weight.
/// </summary>
internal static class GradientCheck
{
    public static void AssertModuleGradients(nn.Module<Tensor, Tensor> module, Tensor input, IReadOnlyList<string> parameterNames, int samplesPerTensor = 5, double tolerance = 1e-6)
    {
        using var scope = NewDisposeScope();
        module.to(ScalarType.Float64).eval();
        var x = input.to_type(ScalarType.Float64).detach().requires_grad_(true);
        Tensor projection;
        using (no_grad())
            projection = randn(module.call(x).shape, ScalarType.Float64);

        double Loss()
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            return module.call(x).mul(projection).sum().item<double>();
        }

        module.call(x).mul(projection).sum().backward();
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var checkedTensors = parameterNames.Select(n => (n, parameters.TryGetValue(n, out var t) ? t : throw new KeyNotFoundException($"no parameter '{n}'")))
            .Append(("input", x));
        var random = new Random(1234);
        foreach (var (name, tensor) in checkedTensors)
        {
            var analytic = tensor.grad?.data<double>().ToArray() ?? throw new InvalidOperationException($"'{name}' got no gradient");
            for (var s = 0; s < samplesPerTensor; s++)
            {
                var index = random.Next(analytic.Length);
                var numeric = Numeric(tensor, index, Loss);
                var error = Math.Abs(numeric - analytic[index]) / Math.Max(1.0, Math.Abs(numeric));
                Assert.True(error < tolerance, $"{name}[{index}]: autograd {analytic[index]:G9} vs finite difference {numeric:G9}");
            }
        }
    }

    private static double Numeric(Tensor tensor, int index, Func<double> loss)
    {
        const double h = 1e-6;
        using var flat = tensor.detach().view(-1);
        double original;
        using (no_grad())
            original = flat[index].item<double>();
        Set(flat, index, original + h);
        var plus = loss();
        Set(flat, index, original - h);
        var minus = loss();
        Set(flat, index, original);
        return (plus - minus) / (2 * h);
    }

    private static void Set(Tensor flat, int index, double value)
    {
        using var noGrad = no_grad();
        flat[index] = value;
    }
}
