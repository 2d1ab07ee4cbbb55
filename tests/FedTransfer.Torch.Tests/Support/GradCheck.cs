namespace FedTransfer.Torch.Tests.Support;

/// <summary>
/// Finite-difference gradient check in float64: compares autograd's gradient of a scalar function with central
/// differences (f(x+h) − f(x−h)) / 2h for every element of every input.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<IReadOnlyList<Tensor>, Tensor> function, IReadOnlyList<(double[] Data, long[] Shape)> inputs,
        double step = 1e-6, double tolerance = 1e-6)
    {
        using var scope = Torch.NewDisposeScope();
        var tensors = inputs.Select(i => Tensor.From(i.Data, i.Shape)).ToList();
        foreach (var t in tensors)
        {
            t.RequiresGrad = true;
        }

        function(tensors).Backward();
        for (var k = 0; k < inputs.Count; k++)
        {
            var analytic = tensors[k].Grad?.ToArray<double>()
                ?? throw new Xunit.Sdk.XunitException($"input {k} got no gradient");
            var numeric = new double[analytic.Length];
            for (var j = 0; j < numeric.Length; j++)
            {
                numeric[j] = (Evaluate(function, inputs, k, j, step) - Evaluate(function, inputs, k, j, -step)) / (2 * step);
            }

            Approx.Equal(numeric, analytic, tolerance);
        }
    }

    private static double Evaluate(Func<IReadOnlyList<Tensor>, Tensor> function,
        IReadOnlyList<(double[] Data, long[] Shape)> inputs, int input, int element, double delta)
    {
        using var scope = Torch.NewDisposeScope();
        using var noGrad = Torch.NoGrad();
        var tensors = inputs.Select((x, i) =>
        {
            var data = (double[])x.Data.Clone();
            if (i == input)
            {
                data[element] += delta;
            }

            return Tensor.From(data, x.Shape);
        }).ToList();
        return function(tensors).ToDouble();
    }
}
