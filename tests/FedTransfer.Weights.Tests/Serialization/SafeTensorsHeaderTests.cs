using FedTransfer.Weights.Serialization;
using static FedTransfer.Weights.Tests.Serialization.SafeTensorsTestFiles;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsHeaderTests
{
    [Fact]
    public void Offsets_DescribeTheWholeFile()
    {
        var bytes = TwoTensors();

        var header = SafeTensors.ReadHeader(new MemoryStream(bytes));

        Assert.Equal(0, header.DataOffset % 8);
        Assert.Equal(bytes.Length, header.FileLength);
        Assert.Equal(16, header.DataLength);
        Assert.Equal((0L, 8L), (header["a"].Begin, header["a"].End));
        Assert.Equal((8L, 16L), (header["b"].Begin, header["b"].End));
        Assert.Equal(1, header["b"].NumElements);
    }

    [Fact]
    public void Lookup_UnknownName_NamesIt()
    {
        var header = SafeTensors.ReadHeader(new MemoryStream(TwoTensors()));

        var e = Assert.Throws<KeyNotFoundException>(() => header["zz"]);

        Assert.Contains("'zz'", e.Message);
        Assert.False(header.TryGet("zz", out _));
        Assert.True(header.TryGet("a", out var a) && a.ByteLength == 8);
    }
}
