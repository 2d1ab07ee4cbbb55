using System.Globalization;
using FedTransfer.Torch.Tests.Support;
using FedTransfer.Torch.Tests.TestSupport;

namespace FedTransfer.Torch.Tests;

public sealed class LinalgTests
{
    // A fixed, non-symmetric 5x3 matrix with well-separated singular values (so the factors are unique up to sign).
    private static readonly double[] Matrix =
    [
        4, 1, -2,
        0.5, 3, 1,
        -1, 0.25, 2,
        2, -3, 0.5,
        1, 1, 1,
    ];

    [Fact]
    public void Svd_Reduced_ReconstructsTheMatrixWithOrthonormalFactors()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(Matrix, 5, 3);

        var (u, s, vh) = Linalg.Svd(a);

        Assert.Equal(new long[] { 5, 3 }, u.Shape);
        Assert.Equal(new long[] { 3 }, s.Shape);
        Assert.Equal(new long[] { 3, 3 }, vh.Shape);
        var values = s.ToArray<double>();
        Assert.True(values[0] >= values[1] && values[1] >= values[2] && values[2] > 0, $"singular values not descending: {string.Join(", ", values)}");
        var rebuilt = u.Mul(s.Unsqueeze(0)).MatMul(vh);
        Approx.Equal(Matrix, rebuilt.ToArray<double>(), 1e-12);
        Approx.Equal(Identity(3), u.Transpose(0, 1).MatMul(u).ToArray<double>(), 1e-12);
        Approx.Equal(Identity(3), vh.MatMul(vh.Transpose(0, 1)).ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Svd_FullMatrices_GivesSquareFactors()
    {
        using var scope = Torch.NewDisposeScope();

        var (u, s, vh) = Linalg.Svd(Tensor.From(Matrix, 5, 3), fullMatrices: true);

        Assert.Equal(new long[] { 5, 5 }, u.Shape);
        Assert.Equal(new long[] { 3 }, s.Shape);
        Assert.Equal(new long[] { 3, 3 }, vh.Shape);
    }

    [Fact]
    public void Svd_OfAVector_ThrowsNamingTheDimensions()
    {
        using var scope = Torch.NewDisposeScope();
        var v = Tensor.From([1f, 2f, 3f]);

        var e = Assert.Throws<TorchException>(() => Linalg.Svd(v));

        Assert.Contains("svd needs a matrix", e.Message);
    }

    [PythonFact]
    public void Svd_SingularValuesAndRank2Truncation_MatchNumpy()
    {
        using var scope = Torch.NewDisposeScope();
        var (u, s, vh) = Linalg.Svd(Tensor.From(Matrix, 5, 3));
        // The best rank-2 approximation is unique here (σ2 > σ3), whatever signs LAPACK picked for the vectors.
        var rank2 = u.Slice(1, 0, 2).Mul(s.Slice(0, 0, 2).Unsqueeze(0)).MatMul(vh.Slice(0, 0, 2)).ToArray<double>();
        var text = string.Join(",", Matrix.Select(x => x.ToString("R", CultureInfo.InvariantCulture)));

        var (code, output) = ReferencePython.Run(
            "import sys, numpy as np\n" +
            "a = np.array([float(x) for x in sys.argv[1].split(',')]).reshape(5, 3)\n" +
            "u, s, vh = np.linalg.svd(a, full_matrices=False)\n" +
            "r2 = (u[:, :2] * s[:2]) @ vh[:2]\n" +
            "print(' '.join(repr(float(x)) for x in s))\n" +
            "print(' '.join(repr(float(x)) for x in r2.ravel()))\n", text);

        Assert.True(code == 0, output);
        var lines = output.Trim().Split('\n');
        Approx.Equal(Parse(lines[0]), s.ToArray<double>(), 1e-12);
        Approx.Equal(Parse(lines[1]), rank2, 1e-12);
    }

    [CudaFact]
    public void Svd_OnCuda_MatchesCpuProducts()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From(Matrix, 5, 3);
        var (uc, sc, vhc) = Linalg.Svd(a.To(Device.Cuda()));

        Assert.True(uc.Device.IsCuda);
        var (_, s, _) = Linalg.Svd(a);
        Approx.Equal(s.ToArray<double>(), sc.To(Device.Cpu).ToArray<double>(), 1e-10);
        Approx.Equal(Matrix, uc.Mul(sc.Unsqueeze(0)).MatMul(vhc).To(Device.Cpu).ToArray<double>(), 1e-10);
    }

    private static double[] Identity(int n)
    {
        var m = new double[n * n];
        for (var i = 0; i < n; i++) m[i * n + i] = 1;
        return m;
    }

    private static double[] Parse(string line) =>
        line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
}
