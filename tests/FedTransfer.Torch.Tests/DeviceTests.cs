namespace FedTransfer.Torch.Tests;

public sealed class DeviceTests
{
    [Theory]
    [InlineData("cpu", "cpu")]
    [InlineData(" CPU ", "cpu")]
    [InlineData("cuda", "cuda:0")]
    [InlineData("cuda:3", "cuda:3")]
    public void Parse_KnownNames_RoundTripThroughToString(string text, string expected)
    {
        Assert.Equal(expected, Device.Parse(text).ToString());
    }

    [Fact]
    public void Parse_Auto_FollowsCudaAvailability()
    {
        var device = Device.Parse("auto");

        Assert.Equal(Torch.CudaIsAvailable(), device.IsCuda);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("")]
    public void Parse_Unknown_ThrowsFormatExceptionListingChoices(string text)
    {
        var e = Assert.Throws<FormatException>(() => Device.Parse(text));

        Assert.Contains("cpu, cuda, cuda:N or auto", e.Message);
    }

    [Fact]
    public void Equality_DefaultIsCpu_CudaIndexMatters()
    {
        Assert.Equal(Device.Cpu, default);
        Assert.Equal(-1, Device.Cpu.Index);
        Assert.Equal(Device.Cuda(1), Device.Cuda(1));
        Assert.NotEqual(Device.Cuda(0), Device.Cuda(1));
        Assert.False(Device.Cpu.IsCuda);
        Assert.True(Device.Cuda().IsCuda);
    }
}
