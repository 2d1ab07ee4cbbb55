namespace FedTransfer.Weights.Tests;

public sealed class DTypeExtensionsTests
{
    [Theory]
    [InlineData(DType.Float32, "float32")]
    [InlineData(DType.BFloat16, "bfloat16")]
    [InlineData(DType.Int64, "int64")]
    [InlineData(DType.Bool, "bool")]
    public void ToTorchName_MatchesPyTorch(DType dtype, string name)
    {
        Assert.Equal(name, dtype.ToTorchName());
    }

    [Fact]
    public void Of_ManagedTypes_MapToMatchingDType()
    {
        Assert.Equal(DType.Float32, DTypeExtensions.Of<float>());
        Assert.Equal(DType.Float16, DTypeExtensions.Of<Half>());
        Assert.Equal(DType.BFloat16, DTypeExtensions.Of<BFloat16>());
        Assert.Equal(DType.Int64, DTypeExtensions.Of<long>());
        Assert.Equal(DType.Bool, DTypeExtensions.Of<bool>());
        Assert.Throws<NotSupportedException>(() => DTypeExtensions.Of<decimal>());
    }
}
