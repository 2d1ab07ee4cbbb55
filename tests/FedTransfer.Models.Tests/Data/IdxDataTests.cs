using System.Buffers.Binary;
using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class IdxDataTests
{
    [Fact]
    public void ToDoubles_EveryElementType()
    {
        var i16 = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(i16, -300);
        var f64 = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(f64, 0.1);

        static double First(byte type, byte[] data) => IdxReader.Read(new MemoryStream(IdxReaderTests.Idx(type, [1], data))).ToDoubles()[0];

        Assert.Equal(200.0, First(0x08, [200]));
        Assert.Equal(-56.0, First(0x09, [200]));
        Assert.Equal(-300.0, First(0x0B, i16));
        Assert.Equal(0.1, First(0x0E, f64));
    }

    [Fact]
    public void Count_IsElementCountNotBytes()
    {
        var data = IdxReader.Read(new MemoryStream(IdxReaderTests.Idx(0x0C, [2, 2], new byte[16])));

        Assert.Equal(4, data.Count);
        Assert.Equal(16, data.RawBytes.Length);
    }
}
