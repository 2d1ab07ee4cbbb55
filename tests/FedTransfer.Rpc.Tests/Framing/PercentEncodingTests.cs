using FedTransfer.Rpc.Framing;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain ascii text", "plain ascii text")]
    [InlineData("100%", "100%25")]
    [InlineData("é", "%C3%A9")]
    [InlineData("line\nbreak", "line%0Abreak")]
    [InlineData("🚫", "%F0%9F%9A%AB")]
    public void Encode_UsesUtf8PercentEscapesOnlyWhereNeeded(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(value));
    }

    [Theory]
    [InlineData("Übermaß: données refusées ✗ 🚫 100% sûr")]
    [InlineData("")]
    [InlineData("%%%")]
    public void Decode_OfEncode_IsIdentity(string value)
    {
        Assert.Equal(value, PercentEncoding.Decode(PercentEncoding.Encode(value)));
    }

    [Theory]
    [InlineData("bad %ZZ escape", "bad %ZZ escape")]
    [InlineData("trailing %4", "trailing %4")]
    [InlineData("lower %c3%a9", "lower é")]
    public void Decode_BrokenEscapes_AreKeptNotThrown(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(value));
    }
}
