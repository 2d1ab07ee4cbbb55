using FedTransfer.Coordinator.Artifacts;

namespace FedTransfer.Coordinator.Tests.Artifacts;

public class Sha256DigestTests
{
    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("0123456789abcdef", false)]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData(null, false)]
    public void IsValid_AcceptsOnly64LowercaseHex(string? digest, bool valid)
    {
        Assert.Equal(valid, Sha256Digest.IsValid(digest));
    }

    [Fact]
    public void Require_Invalid_NamesTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => Sha256Digest.Require("xyz", "backbone_digest"));

        Assert.Contains("backbone_digest", e.Message);
        Assert.Contains("'xyz'", e.Message);
    }
}
