using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Tests.Strategies;

public class StrategySettingsTests
{
    private static StrategySettings Of(params (string Key, string Value)[] values) =>
        new("fedavg", values.ToDictionary(v => v.Key, v => v.Value), "server_lr", "accept_failures");

    [Fact]
    public void Double_Absent_ReturnsDefault()
    {
        Assert.Equal(1.0, Of().Double("server_lr", 1.0, 0, 10));
    }

    [Fact]
    public void Double_InvariantCulture_Parses()
    {
        Assert.Equal(0.25, Of(("server_lr", "0.25")).Double("server_lr", 1.0, 0, 10));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("11")]
    [InlineData("NaN")]
    public void Double_Invalid_ThrowsNamingKeyAndRange(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => Of(("server_lr", text)).Double("server_lr", 1.0, 0, 10));

        Assert.Contains("'server_lr'", e.Message);
        Assert.Contains("[0, 10]", e.Message);
    }

    [Fact]
    public void Boolean_ParsesAnyCase()
    {
        Assert.False(Of(("accept_failures", "FALSE")).Boolean("accept_failures", true));
    }

    [Fact]
    public void Boolean_Invalid_Throws()
    {
        Assert.Throws<ArgumentException>(() => Of(("accept_failures", "maybe")).Boolean("accept_failures", true));
    }

    [Fact]
    public void UnknownKey_ThrowsListingKnownKeys()
    {
        var e = Assert.Throws<ArgumentException>(() => Of(("server_learning_rate", "1")));

        Assert.Contains("'server_learning_rate'", e.Message);
        Assert.Contains("server_lr, accept_failures", e.Message);
    }
}
