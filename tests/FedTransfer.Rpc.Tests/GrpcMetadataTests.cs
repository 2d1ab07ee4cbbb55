namespace FedTransfer.Rpc.Tests;

public sealed class GrpcMetadataTests
{
    [Theory]
    [InlineData(new byte[] { }, "")]
    [InlineData(new byte[] { 0xFF }, "/w")]
    [InlineData(new byte[] { 1, 2 }, "AQI")]
    [InlineData(new byte[] { 1, 2, 3 }, "AQID")]
    public void EncodeBinary_EmitsUnpaddedBase64(byte[] value, string expected)
    {
        Assert.Equal(expected, GrpcMetadata.EncodeBinary(value));
    }

    [Theory]
    [InlineData("AQI")]
    [InlineData("AQI=")]
    public void DecodeBinary_AcceptsPaddedAndUnpadded(string value)
    {
        Assert.Equal(new byte[] { 1, 2 }, GrpcMetadata.DecodeBinary(value));
    }

    [Fact]
    public void DecodeBinary_CommaJoinedRepeatedHeaders_DecodesEachPart()
    {
        Assert.Equal(new byte[] { 1, 2, 1, 2, 3 }, GrpcMetadata.DecodeBinary("AQI, AQID"));
    }

    [Fact]
    public void DecodeBinary_NotBase64_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => GrpcMetadata.DecodeBinary("A"));
        Assert.Throws<FormatException>(() => GrpcMetadata.DecodeBinary("!!!!"));
    }

    [Theory]
    [InlineData("trace-bin", true)]
    [InlineData("TRACE-BIN", true)]
    [InlineData("binary", false)]
    public void IsBinaryHeader_ChecksSuffix(string name, bool expected)
    {
        Assert.Equal(expected, GrpcMetadata.IsBinaryHeader(name));
    }
}
