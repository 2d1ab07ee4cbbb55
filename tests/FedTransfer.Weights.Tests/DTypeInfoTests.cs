namespace FedTransfer.Weights.Tests;

public sealed class DTypeInfoTests
{
    [Theory]
    [InlineData(DType.Float32, "F32", 4)]
    [InlineData(DType.Float16, "F16", 2)]
    [InlineData(DType.BFloat16, "BF16", 2)]
    [InlineData(DType.Int64, "I64", 8)]
    [InlineData(DType.Float64, "F64", 8)]
    [InlineData(DType.Int32, "I32", 4)]
    [InlineData(DType.Int16, "I16", 2)]
    [InlineData(DType.Int8, "I8", 1)]
    [InlineData(DType.UInt8, "U8", 1)]
    [InlineData(DType.Bool, "BOOL", 1)]
    public void SafeTensorsName_RoundTripsWithSize(DType dtype, string name, int size)
    {
        var parsed = DTypeInfo.ParseSafeTensorsName(name);

        Assert.Equal(name, dtype.ToSafeTensorsName());
        Assert.Equal(dtype, parsed);
        Assert.Equal(size, dtype.ElementSize());
    }

    [Fact]
    public void DTypeValues_AreLibtorchScalarTypeCodes()
    {
        var codes = new[] { DType.UInt8, DType.Int8, DType.Int16, DType.Int32, DType.Int64, DType.Float16, DType.Float32, DType.Float64, DType.Bool, DType.BFloat16 }
            .Select(d => (int)d);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 11, 15], codes);
    }

    [Theory]
    [InlineData("f32")]
    [InlineData("F8_E4M3")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_UnsupportedName_ReturnsFalse(string? name)
    {
        var ok = DTypeInfo.TryParseSafeTensorsName(name, out _);

        Assert.False(ok);
    }

    [Fact]
    public void Parse_UnsupportedName_ThrowsListingSupported()
    {
        var e = Assert.Throws<FormatException>(() => DTypeInfo.ParseSafeTensorsName("U64"));

        Assert.Contains("'U64'", e.Message);
        Assert.Contains("BF16", e.Message);
    }

    [Fact]
    public void ElementSize_UndefinedCode_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((DType)9).ElementSize());
    }

    [Fact]
    public void IsFloatingPoint_OnlyFloatTypes()
    {
        var floats = Enum.GetValues<DType>().Where(d => d.IsFloatingPoint());

        Assert.Equal([DType.Float16, DType.Float32, DType.Float64, DType.BFloat16], floats);
    }
}
