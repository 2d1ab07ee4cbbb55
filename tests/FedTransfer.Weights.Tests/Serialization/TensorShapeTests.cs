using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class TensorShapeTests
{
    [Fact]
    public void CountElements_ProductAndScalar()
    {
        Assert.Equal(24, TensorShape.CountElements([2, 3, 4]));
        Assert.Equal(1, TensorShape.CountElements([]));
        Assert.Equal(0, TensorShape.CountElements([5, 0]));
    }

    [Fact]
    public void TryByteLength_OverflowOrNegative_IsNull()
    {
        Assert.Null(TensorShape.TryByteLength(DType.Float32, [long.MaxValue / 2, 2]));
        Assert.Null(TensorShape.TryByteLength(DType.Float32, [-1]));
        Assert.Equal(48, TensorShape.TryByteLength(DType.Int64, [2, 3]));
    }

    [Fact]
    public void FormatAndSameShape()
    {
        Assert.Equal("[2, 3]", TensorShape.Format([2, 3]));
        Assert.True(TensorShape.SameShape([2, 3], [2, 3]));
        Assert.False(TensorShape.SameShape([2, 3], [3, 2]));
        Assert.False(TensorShape.SameShape([6], [6, 1]));
    }
}
