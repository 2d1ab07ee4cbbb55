using FedTransfer.Torch.Tests.Support;
using F = FedTransfer.Torch.Functional;

namespace FedTransfer.Torch.Tests;

public sealed class FunctionalTests
{
    [Fact]
    public void Linear_WithAndWithoutBias_MatchesHandComputed()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1f, 2f, 3f, 4f], 2, 2);
        var w = Tensor.From([1f, 0f, 1f, 1f, 0f, 2f], 3, 2);
        var b = Tensor.From([0.5f, -1f, 0f]);

        Assert.Equal(new[] { 1.5f, 2f, 4f, 3.5f, 6f, 8f }, F.Linear(x, w, b).ToArray<float>());
        Assert.Equal(new[] { 1f, 3f, 4f, 3f, 7f, 8f }, F.Linear(x, w).ToArray<float>());
    }

    [Fact]
    public void Conv2d_StrideEqualsKernel_SumsPatches()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Arange(16, DType.Float32).Reshape(1, 1, 4, 4);
        var w = Tensor.Ones([2, 1, 2, 2]);
        var b = Tensor.From([0f, 100f]);

        var y = F.Conv2d(x, w, b, stride: 2);

        Assert.Equal(new long[] { 1, 2, 2, 2 }, y.Shape);
        Assert.Equal(new[] { 10f, 18f, 42f, 50f, 110f, 118f, 142f, 150f }, y.ToArray<float>());
    }

    [Fact]
    public void Conv2d_Padding_KeepsSpatialSize()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Ones([1, 1, 3, 3]);
        var w = Tensor.Ones([1, 1, 3, 3]);

        var y = F.Conv2d(x, w, padding: 1);

        Assert.Equal(new[] { 4f, 6f, 4f, 6f, 9f, 6f, 4f, 6f, 4f }, y.ToArray<float>());
    }

    [Fact]
    public void LayerNorm_NormalisesLastDimensionThenAppliesAffine()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.From([1.0, 2.0, 3.0, 10.0, 10.0, 10.0], 2, 3);
        var w = Tensor.From([1.0, 2.0, 1.0]);
        var b = Tensor.From([0.0, 0.0, 1.0]);
        var inv = 1 / Math.Sqrt(2.0 / 3 + 1e-5);

        var y = F.LayerNorm(x, [3], w, b, eps: 1e-5);

        Approx.Equal(new[] { -inv, 0, inv + 1, 0, 0, 1 }, y.ToArray<double>(), 1e-12);
    }

    [Fact]
    public void Dropout_Training_ZeroesAndRescales_Eval_IsIdentity()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(3);
        var x = Tensor.Ones([10000]);

        var train = F.Dropout(x, 0.25, training: true).ToArray<float>();
        var eval = F.Dropout(x, 0.25, training: false).ToArray<float>();

        Assert.All(train, v => Assert.True(v == 0f || Math.Abs(v - 1 / 0.75f) < 1e-6));
        Assert.InRange(train.Count(v => v == 0f), 2300, 2700);
        Assert.All(eval, v => Assert.Equal(1f, v));
        Assert.Throws<TorchException>(() => F.Dropout(x, 1.5, training: true));
    }

    [Fact]
    public void Embedding_LooksUpRows()
    {
        using var scope = Torch.NewDisposeScope();
        var weight = Tensor.From([0f, 0f, 1f, 1f, 2f, 2f], 3, 2);

        var rows = F.Embedding(Tensor.From([2L, 0L, 2L]), weight);

        Assert.Equal(new[] { 2f, 2f, 0f, 0f, 2f, 2f }, rows.ToArray<float>());
    }

    [Fact]
    public void CrossEntropy_MatchesLogSoftmaxReference_WithAndWithoutSmoothing()
    {
        using var scope = Torch.NewDisposeScope();
        double[][] logits = [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3]];
        long[] targets = [0, 2];
        var t = Tensor.From(logits.SelectMany(r => r).ToArray(), 2, 3);
        var y = Tensor.From(targets);

        double Reference(double smoothing)
        {
            var total = 0.0;
            for (var i = 0; i < 2; i++)
            {
                var lse = Math.Log(logits[i].Sum(Math.Exp));
                var logp = logits[i].Select(v => v - lse).ToArray();
                total += -(1 - smoothing) * logp[targets[i]] - smoothing / 3 * logp.Sum();
            }

            return total / 2;
        }

        Assert.Equal(Reference(0), F.CrossEntropy(t, y).ToDouble(), 12);
        Assert.Equal(Reference(0.1), F.CrossEntropy(t, y, labelSmoothing: 0.1).ToDouble(), 12);
    }

    [Fact]
    public void CatAndStack_JoinTensors()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([1f, 2f], 1, 2);
        var b = Tensor.From([3f, 4f], 1, 2);

        Assert.Equal(new long[] { 2, 2 }, F.Cat([a, b], 0).Shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, F.Cat([a, b], 1).ToArray<float>());
        Assert.Equal(new long[] { 2, 1, 2 }, F.Stack([a, b]).Shape);
        Assert.Throws<ArgumentException>(() => F.Cat([], 0));
    }

    [Fact]
    public void ScaledDotProductAttention_MatchesComposedOps()
    {
        using var scope = Torch.NewDisposeScope();
        Torch.ManualSeed(5);
        var q = Tensor.Randn([2, 3, 4], DType.Float64);
        var k = Tensor.Randn([2, 3, 4], DType.Float64);
        var v = Tensor.Randn([2, 3, 4], DType.Float64);

        var fused = F.ScaledDotProductAttention(q, k, v);
        var composed = q.MatMul(k.Transpose(-2, -1)).Div(2).Softmax(-1).MatMul(v);

        Approx.Equal(composed.ToArray<double>(), fused.ToArray<double>(), 1e-12);
    }
}
