using FedTransfer.Federation.Updates;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Tests.Updates;

public class DeltaEncodingTests
{
    [Theory]
    [InlineData("float32", DeltaEncoding.Float32)]
    [InlineData("", DeltaEncoding.Float32)]
    [InlineData("FLOAT16", DeltaEncoding.Float16)]
    [InlineData("bf16", DeltaEncoding.BFloat16)]
    [InlineData("int8", DeltaEncoding.AffineInt8)]
    public void Parse_KnownNames_GiveTheEncoding(string text, DeltaEncoding expected)
    {
        Assert.Equal(expected, DeltaEncodings.Parse(text));
    }

    [Fact]
    public void Parse_Unknown_ListsTheNames()
    {
        var e = Assert.Throws<ArgumentException>(() => DeltaEncodings.Parse("int4"));

        Assert.Contains("'int4'", e.Message);
        Assert.Contains("float32, float16, bfloat16, int8", e.Message);
    }

    [Fact]
    public void ToText_Parse_RoundTripsEveryEncoding()
    {
        foreach (var encoding in Enum.GetValues<DeltaEncoding>())
            Assert.Equal(encoding, DeltaEncodings.Parse(encoding.ToText()));
    }

    [Theory]
    [InlineData(DeltaEncoding.Float32, DType.Float32)]
    [InlineData(DeltaEncoding.Float16, DType.Float16)]
    [InlineData(DeltaEncoding.BFloat16, DType.BFloat16)]
    [InlineData(DeltaEncoding.AffineInt8, DType.UInt8)]
    public void WireDType_OfAFloat32Tensor(DeltaEncoding encoding, DType expected)
    {
        Assert.Equal(expected, encoding.WireDType(DType.Float32));
    }

    [Fact]
    public void Values_MatchTheWireEnum()
    {
        // The proto enum fedtransfer.v1.UpdateEncoding uses the same numbers, so a cast maps one to the other.
        Assert.Equal([0, 1, 2, 3], Enum.GetValues<DeltaEncoding>().Select(e => (int)e));
    }
}
