using FedTransfer.Torch.Optim;
using FedTransfer.Torch.Tests.Support;

namespace FedTransfer.Torch.Tests.Optim;

public sealed class AdamWTests
{
    [Fact]
    public void Step_FirstStep_MatchesHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1.0, -2.0]);
        p.RequiresGrad = true;
        using var optimizer = new AdamW([p], lr: 0.1, weightDecay: 0.01);

        p.Mul(Tensor.From([0.5, 0.1])).Sum().Backward();
        optimizer.Step();

        // Step 1: m̂ = g, v̂ = g², so p ← p·(1 − lr·wd) − lr·g/(|g| + eps).
        Approx.Equal(
            new[] { 0.999 - 0.1 * 0.5 / (0.5 + 1e-8), -1.998 - 0.1 * 0.1 / (0.1 + 1e-8) },
            p.Detach().ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Step_TwoStepsWithChangingGradients_MatchScalarReference()
    {
        using var scope = Torch.NewDisposeScope();
        double[] start = [0.3, -1.2, 2.0];
        double[][] grads = [[0.5, -0.25, 1.0], [-0.1, 0.4, 2.0]];
        var p = Tensor.From(start);
        p.RequiresGrad = true;
        using var optimizer = new AdamW([p], lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1);

        foreach (var g in grads)
        {
            optimizer.ZeroGrad();
            p.Mul(Tensor.From(g)).Sum().Backward();
            optimizer.Step();
        }

        Approx.Equal(Reference(start, grads, 0.05, 0.8, 0.99, 1e-6, 0.1), p.Detach().ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Step_ParameterWithoutGrad_IsUntouched()
    {
        using var scope = Torch.NewDisposeScope();
        var p = Tensor.From([1.0]);
        p.RequiresGrad = true;
        using var optimizer = new AdamW([p], lr: 0.1);

        optimizer.Step();

        Assert.Equal(1.0, p.Detach().ToDouble());
    }

    [Fact]
    public void Constructor_BadBeta_ThrowsTorchException()
    {
        using var p = Tensor.Zeros([1]);

        Assert.Throws<TorchException>(() => new AdamW([p], lr: 0.1, beta1: 1.5));
    }

    // torch.optim.AdamW written out for one scalar at a time.
    private static double[] Reference(double[] start, double[][] grads, double lr, double b1, double b2, double eps, double wd)
    {
        var p = (double[])start.Clone();
        var m = new double[p.Length];
        var v = new double[p.Length];
        for (var t = 1; t <= grads.Length; t++)
        {
            for (var i = 0; i < p.Length; i++)
            {
                var g = grads[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                var denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t)) + eps;
                p[i] -= lr / (1 - Math.Pow(b1, t)) * m[i] / denom;
            }
        }

        return p;
    }
}
