namespace FedTransfer.Weights.Tests;

public sealed class BFloat16Tests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(1.00390625f, 0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: ties to even
    [InlineData(1.01171875f, 0x3F82)] // halfway between 0x3F81 and 0x3F82: ties to even
    [InlineData(1.0078125f, 0x3F81)]
    public void FromSingle_RoundsToNearestEven(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, BFloat16.FromSingle(value).Bits);
    }

    [Fact]
    public void FromSingle_NaN_StaysNaN()
    {
        var nanWithLowPayload = BitConverter.UInt32BitsToSingle(0x7F800001);

        Assert.True(float.IsNaN(BFloat16.FromSingle(nanWithLowPayload).ToSingle()));
    }

    [Fact]
    public void Equality_IsBitwise()
    {
        Assert.Equal(new BFloat16(0x3F80), (BFloat16)1f);
        Assert.True(new BFloat16(1) != new BFloat16(2));
        Assert.Equal("1", ((BFloat16)1f).ToString());
    }
}
