using FedTransfer.Torch.Tests.Support;

namespace FedTransfer.Torch.Tests;

public sealed class TensorOpsTests
{
    [Fact]
    public void Arithmetic_TensorAndScalar_MatchesHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f, 2f, 3f]);
        var b = Tensor.From([4f, 5f, 6f]);

        Assert.Equal(new[] { 9f, 12f, 15f }, a.Add(b, alpha: 2).ToArray<float>());
        Assert.Equal(new[] { -3f, -3f, -3f }, a.Sub(b).ToArray<float>());
        Assert.Equal(new[] { 4f, 10f, 18f }, a.Mul(b).ToArray<float>());
        Assert.Equal(new[] { 0.25f, 0.4f, 0.5f }, a.Div(b).ToArray<float>());
        Assert.Equal(new[] { 1.5f, 2.5f, 3.5f }, a.Add(0.5).ToArray<float>());
        Assert.Equal(new[] { 0f, 1f, 2f }, a.Sub(1).ToArray<float>());
        Assert.Equal(new[] { 3f, 6f, 9f }, a.Mul(3).ToArray<float>());
        Assert.Equal(new[] { 0.5f, 1f, 1.5f }, a.Div(2).ToArray<float>());
    }

    [Fact]
    public void Add_Broadcasting_RowPlusColumn()
    {
        using var scope = Torch.NewDisposeScope();
        var row = Tensor.From([1f, 2f, 3f], 1, 3);
        var column = Tensor.From([10f, 20f], 2, 1);

        var sum = row.Add(column);

        Assert.Equal(new long[] { 2, 3 }, sum.Shape);
        Assert.Equal(new[] { 11f, 12f, 13f, 21f, 22f, 23f }, sum.ToArray<float>());
    }

    [Fact]
    public void MatMul_2x3By3x2_MatchesHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        var b = Tensor.From([7f, 8f, 9f, 10f, 11f, 12f], 3, 2);

        var c = a.MatMul(b);

        Assert.Equal(new[] { 58f, 64f, 139f, 154f }, c.ToArray<float>());
    }

    [Fact]
    public void MatMul_Batched_BroadcastsOverLeadingDimension()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f, 0f, 0f, 1f, 2f, 0f, 0f, 2f], 2, 2, 2);
        var b = Tensor.From([1f, 2f, 3f, 4f], 2, 2);

        var c = a.MatMul(b);

        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 2f, 4f, 6f, 8f }, c.ToArray<float>());
    }

    [Fact]
    public void UnaryMath_MatchesSystemMath()
    {
        using var scope = Torch.NewDisposeScope();
        double[] x = [0.25, 1, 2.5];
        var t = Tensor.From(x);

        Approx.Equal(x.Select(Math.Exp).ToArray(), t.Exp().ToArray<double>(), 1e-12);
        Approx.Equal(x.Select(v => Math.Log(v)).ToArray(), t.Log().ToArray<double>(), 1e-12);
        Approx.Equal(x.Select(Math.Sqrt).ToArray(), t.Sqrt().ToArray<double>(), 1e-12);
        Approx.Equal(x.Select(v => Math.Pow(v, 1.5)).ToArray(), t.Pow(1.5).ToArray<double>(), 1e-12);
        Approx.Equal(x.Select(Math.Tanh).ToArray(), t.Tanh().ToArray<double>(), 1e-12);
        Approx.Equal(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), t.Sigmoid().ToArray<double>(), 1e-12);
        Assert.Equal(x.Select(v => -v).ToArray(), t.Neg().ToArray<double>());
    }

    [Fact]
    public void AbsClampRelu_MatchHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.From([-2f, -0.5f, 0.5f, 3f]);

        Assert.Equal(new[] { 2f, 0.5f, 0.5f, 3f }, t.Abs().ToArray<float>());
        Assert.Equal(new[] { -1f, -0.5f, 0.5f, 1f }, t.Clamp(-1, 1).ToArray<float>());
        Assert.Equal(new[] { 0f, 0f, 0.5f, 3f }, t.Clamp(min: 0).ToArray<float>());
        Assert.Equal(new[] { 0f, 0f, 0.5f, 3f }, t.Relu().ToArray<float>());
        Assert.Throws<ArgumentException>(() => t.Clamp());
    }

    [Fact]
    public void Gelu_ExactAndTanh_MatchFormulas()
    {
        using var scope = Torch.NewDisposeScope();
        double[] x = [-1.5, 0, 0.7, 2];
        var t = Tensor.From(x);

        var tanhExpected = x.Select(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)))).ToArray();
        Approx.Equal(tanhExpected, t.Gelu(tanhApproximation: true).ToArray<double>(), 1e-12);
        // Exact values x·Φ(x) computed with math.erf.
        Approx.Equal(new[] { -0.10021080190328713, 0, 0.5306254434438489, 1.9544997361036416 }, t.Gelu().ToArray<double>(), 1e-9);
    }

    [Fact]
    public void SoftmaxAndLogSoftmax_RowsMatchHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.From([1.0, 2.0, 3.0, 0.0, 0.0, 0.0], 2, 3);
        var z = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        double[] expected = [Math.Exp(1) / z, Math.Exp(2) / z, Math.Exp(3) / z, 1 / 3.0, 1 / 3.0, 1 / 3.0];

        Approx.Equal(expected, t.Softmax(1).ToArray<double>(), 1e-12);
        Approx.Equal(expected.Select(v => Math.Log(v)).ToArray(), t.LogSoftmax(-1).ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Reductions_MatchHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);

        Assert.Equal(21f, t.Sum().ToSingle());
        Assert.Equal(3.5f, t.Mean().ToSingle());
        Assert.Equal(6f, t.Max().ToSingle());
        Assert.Equal(new[] { 5f, 7f, 9f }, t.Sum([0]).ToArray<float>());
        Assert.Equal(new[] { 2f, 5f }, t.Mean([1]).ToArray<float>());
        Assert.Equal(new long[] { 2, 1 }, t.Mean([1], keepDim: true).Shape);
        Assert.Equal(new long[] { 2, 2 }, t.ArgMax(1).ToArray<long>());
        Assert.Equal((float)Math.Sqrt(91), t.Norm().ToSingle(), 5);
    }

    [Fact]
    public void Eq_ComparesElementwise()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1L, 2L, 3L]);
        var b = Tensor.From([1L, 0L, 3L]);

        Assert.Equal(new[] { true, false, true }, a.Eq(b).ToArray<bool>());
    }

    [Fact]
    public void AllFinite_DetectsNaNAndInfinity()
    {
        using var scope = Torch.NewDisposeScope();

        Assert.True(Tensor.From([1f, -2f]).AllFinite());
        Assert.False(Tensor.From([1f, float.NaN]).AllFinite());
        Assert.False(Tensor.From([float.NegativeInfinity]).AllFinite());
    }

    [Fact]
    public void ValueEquals_SameValues_True_DifferentValues_False()
    {
        using var scope = Torch.NewDisposeScope();

        Assert.True(Tensor.From([1f, 2f]).ValueEquals(Tensor.From([1f, 2f])));
        Assert.False(Tensor.From([1f, 2f]).ValueEquals(Tensor.From([1f, 3f])));
    }
}
