namespace FedTransfer.Torch.Tests;

public sealed class DTypeTests
{
    [Fact]
    public void Values_MatchC10ScalarType()
    {
        Assert.Equal(6, (int)DType.Float32);
        Assert.Equal(15, (int)DType.BFloat16);
        Assert.Equal(11, (int)DType.Bool);
    }

    [Theory]
    [InlineData(DType.Float32, 4, "float32", true)]
    [InlineData(DType.BFloat16, 2, "bfloat16", true)]
    [InlineData(DType.Int64, 8, "int64", false)]
    [InlineData(DType.Bool, 1, "bool", false)]
    public void Facts_SizeNameAndFloatness(DType dtype, int size, string name, bool floating)
    {
        Assert.Equal(size, dtype.ElementSize());
        Assert.Equal(name, dtype.ToTorchName());
        Assert.Equal(floating, dtype.IsFloatingPoint());
    }

    [Fact]
    public void ElementSize_MatchesNativeTensor()
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            using var t = Tensor.Zeros([3], dtype);

            Assert.Equal(3 * dtype.ElementSize(), t.ToBytes().Length);
        }
    }
}
