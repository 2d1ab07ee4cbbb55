namespace FedTransfer.Torch.Tests;

public sealed class TensorOperatorsTests
{
    [Fact]
    public void Operators_TensorTensorAndScalar_MatchMethods()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([2f, 4f]);
        var b = Tensor.From([1f, 8f]);

        Assert.Equal(new[] { 3f, 12f }, (a + b).ToArray<float>());
        Assert.Equal(new[] { 1f, -4f }, (a - b).ToArray<float>());
        Assert.Equal(new[] { 2f, 32f }, (a * b).ToArray<float>());
        Assert.Equal(new[] { 2f, 0.5f }, (a / b).ToArray<float>());
        Assert.Equal(new[] { -2f, -4f }, (-a).ToArray<float>());
        Assert.Equal(new[] { 3f, 5f }, (a + 1).ToArray<float>());
        Assert.Equal(new[] { 3f, 5f }, (1 + a).ToArray<float>());
        Assert.Equal(new[] { 1f, 3f }, (a - 1).ToArray<float>());
        Assert.Equal(new[] { 8f, 6f }, (10 - a).ToArray<float>());
        Assert.Equal(new[] { 1f, 2f }, (a * 0.5).ToArray<float>());
        Assert.Equal(new[] { 1f, 2f }, (0.5 * a).ToArray<float>());
        Assert.Equal(new[] { 1f, 2f }, (a / 2).ToArray<float>());
        Assert.Equal(new[] { 4f, 2f }, (8 / a).ToArray<float>());
    }

    [Fact]
    public void Operators_ScalarOnFloat16_KeepTensorDType()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.From([(Half)1f, (Half)2f]);

        Assert.Equal(DType.Float16, (a * 2.5).DType);
        Assert.Equal(DType.Float16, (1 - a).DType);
    }
}
