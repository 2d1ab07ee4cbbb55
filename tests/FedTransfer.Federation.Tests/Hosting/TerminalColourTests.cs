using FedTransfer.Federation.Hosting;
using Xunit;

namespace FedTransfer.Federation.Tests.Hosting;

public sealed class TerminalColourTests
{
    [Theory]
    [InlineData(false, null, true)]
    [InlineData(false, "", true)]
    [InlineData(true, null, false)]
    [InlineData(false, "1", false)]
    [InlineData(false, "yes", false)]
    [InlineData(true, "1", false)]
    public void IsWanted_OnlyOnATerminalWithoutNoColor(bool redirected, string? noColor, bool expected)
    {
        Assert.Equal(expected, TerminalColour.IsWanted(redirected, noColor));
    }
}
