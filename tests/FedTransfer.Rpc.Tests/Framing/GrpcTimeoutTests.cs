using FedTransfer.Rpc.Framing;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000.0)]
    [InlineData("2M", 120_000.0)]
    [InlineData("3S", 3000.0)]
    [InlineData("250m", 250.0)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2.0)]
    [InlineData("99999999S", 99_999_999_000.0)]
    public void TryParse_EveryUnit_GivesTheDuration(string value, double expectedMs)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedMs, timeout.TotalMilliseconds, 3);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void TryParse_Malformed_IsRejected(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Theory]
    [InlineData(0.0005, "1u")]
    [InlineData(250.0, "250000u")]
    [InlineData(200_000.0, "200000m")]
    [InlineData(86_400_000.0 * 2, "172800S")]
    public void Format_PicksFinestUnitThatFitsEightDigits(double ms, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(ms)));
    }

    [Fact]
    public void Format_ThenParse_NeverShortensTheTimeout()
    {
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var timeout = TimeSpan.FromTicks((long)(random.NextDouble() * TimeSpan.FromDays(400).Ticks) + 1);

            var text = GrpcTimeout.Format(timeout);

            Assert.True(text.Length <= 9, text);
            Assert.True(GrpcTimeout.TryParse(text, out var parsed), text);
            Assert.True(parsed >= timeout, $"{text} parsed to {parsed}, shorter than {timeout}");
        }
    }
}
