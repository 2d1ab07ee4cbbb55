using FedTransfer.Federation.Updates;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Tests.Updates;

public class TrainableTensorTests
{
    [Fact]
    public void Sizes_FollowShapeAndDType()
    {
        var t = new TrainableTensor("w", DType.BFloat16, [3, 5]);

        Assert.Equal(15, t.NumElements);
        Assert.Equal(30, t.ByteLength);
        Assert.Equal("[3, 5]", t.ShapeText);
    }

    [Fact]
    public void Scalar_HasOneElement()
    {
        Assert.Equal(1, new TrainableTensor("s", DType.Float32, []).NumElements);
    }

    [Fact]
    public void HasShape_ComparesDimensions()
    {
        var t = new TrainableTensor("w", DType.Float32, [3, 5]);

        Assert.True(t.HasShape([3, 5]));
        Assert.False(t.HasShape([5, 3]));
        Assert.False(t.HasShape([3, 5, 1]));
    }

    [Fact]
    public void SameAs_ComparesShapesByValue()
    {
        var a = new TrainableTensor("w", DType.Float32, [3, 5]);

        Assert.True(a.SameAs(new TrainableTensor("w", DType.Float32, [3, 5])));
        Assert.False(a.SameAs(new TrainableTensor("w", DType.Float16, [3, 5])));
        Assert.False(a.SameAs(new TrainableTensor("v", DType.Float32, [3, 5])));
    }
}
