using System.Runtime.InteropServices;
using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.TestSupport;

/// <summary>
/// Central finite differences in float64 against autograd: the loss is a fixed random projection of the module output,
/// so every output element contributes with a different weight.
/// </summary>
internal static class GradientCheck
{
    public static void AssertModuleGradients(Module module, Tensor input, IReadOnlyList<string> parameterNames, int samplesPerTensor = 5, double tolerance = 1e-6)
    {
        using var scope = Torch.NewDisposeScope();
        module.To(DType.Float64).Eval();
        var x = input.To(DType.Float64).Detach();
        x.RequiresGrad = true;
        Tensor projection;
        using (Torch.NoGrad())
            projection = Tensor.Randn(module.Forward(x).Shape, DType.Float64);

        double Loss()
        {
            using var inner = Torch.NewDisposeScope();
            using var noGrad = Torch.NoGrad();
            return module.Forward(x).Mul(projection).Sum().ToArray<double>()[0];
        }

        module.Forward(x).Mul(projection).Sum().Backward();
        var parameters = module.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        var checkedTensors = parameterNames.Select(n => (n, parameters.TryGetValue(n, out var t) ? t : throw new KeyNotFoundException($"no parameter '{n}'")))
            .Append(("input", x));
        var random = new Random(1234);
        foreach (var (name, tensor) in checkedTensors)
        {
            var analytic = tensor.Grad?.ToArray<double>() ?? throw new InvalidOperationException($"'{name}' got no gradient");
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
        var values = tensor.ToArray<double>();
        var original = values[index];
        values[index] = original + h;
        Set(tensor, values);
        var plus = loss();
        values[index] = original - h;
        Set(tensor, values);
        var minus = loss();
        values[index] = original;
        Set(tensor, values);
        return (plus - minus) / (2 * h);
    }

    private static void Set(Tensor tensor, double[] values)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        tensor.CopyFrom(Tensor.FromBytes(MemoryMarshal.AsBytes(values.AsSpan()), DType.Float64, tensor.Shape));
    }
}
