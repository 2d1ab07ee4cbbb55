using System.Buffers.Binary;
using System.IO.Compression;
using FedTransfer.Models.Data;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static byte[] Idx(byte type, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = type;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    internal static byte[] Gzip(byte[] raw)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(raw);
        return ms.ToArray();
    }

    private static IdxData Read(byte[] bytes) => IdxReader.Read(new MemoryStream(bytes), "x.idx");

    [Fact]
    public void Read_SmallUInt8File_ShapeAndValues()
    {
        var data = Read(Idx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]));

        Assert.Equal(IdxElementType.UInt8, data.ElementType);
        Assert.Equal([2, 3], data.Shape);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 255 }, data.AsBytes().ToArray());
    }

    [Fact]
    public void Read_Gzipped_SameAsPlain()
    {
        var raw = Idx(0x08, [4], [9, 8, 7, 6]);

        var data = Read(Gzip(raw));

        Assert.Equal(new byte[] { 9, 8, 7, 6 }, data.AsBytes().ToArray());
    }

    [Fact]
    public void Read_BigEndianFloatsAndInts_Decoded()
    {
        var floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -2f);
        var ints = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(ints, -70000);

        Assert.Equal([1.5, -2.0], Read(Idx(0x0D, [2], floats)).ToDoubles());
        Assert.Equal([-70000.0], Read(Idx(0x0C, [1], ints)).ToDoubles());
        Assert.Throws<InvalidOperationException>(() => Read(Idx(0x0C, [1], ints)).AsBytes().ToArray());
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 0 }, "bad IDX magic")]
    [InlineData(new byte[] { 0, 0, 7, 1, 0, 0, 0, 0 }, "unknown IDX element type 0x07")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "zero dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "truncated inside the 2 dimension sizes")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2 }, "truncated: dimensions [3] need 3 data bytes, found 2")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 1, 2 }, "unexpected bytes after")]
    [InlineData(new byte[] { 0, 0 }, "shorter than the 4-byte IDX magic")]
    public void Read_BadFile_ClearErrorNamingFile(byte[] bytes, string expected)
    {
        var e = Assert.Throws<DataFormatException>(() => Read(bytes));

        Assert.StartsWith("x.idx: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_TruncatedGzip_ClearError()
    {
        var gz = Gzip(Idx(0x08, [1000], new byte[1000].Select((_, i) => (byte)i).ToArray()));

        var e = Assert.Throws<DataFormatException>(() => Read(gz[..(gz.Length / 2)]));

        Assert.StartsWith("x.idx: ", e.Message);
    }

    [Fact]
    public void ReadFile_GzFileOnDisk_Reads()
    {
        var path = Path.Combine(_dir, "labels-idx1-ubyte.gz");
        File.WriteAllBytes(path, Gzip(Idx(0x08, [3], [0, 9, 4])));

        var data = IdxReader.ReadFile(path);

        Assert.Equal(new byte[] { 0, 9, 4 }, data.AsBytes().ToArray());
    }

    [FashionMnistFact]
    public void ReadFile_RealFashionMnistTrain_60000Images28x28AndLabels0To9()
    {
        var images = IdxReader.ReadFile(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz"));
        var labels = IdxReader.ReadFile(Path.Combine(FashionMnist.DefaultDirectory, "train-labels-idx1-ubyte.gz"));

        Assert.Equal([60000, 28, 28], images.Shape);
        Assert.Equal([60000], labels.Shape);
        var counts = new int[256];
        foreach (var b in labels.AsBytes()) counts[b]++;
        Assert.All(counts[..10], c => Assert.Equal(6000, c));
        Assert.All(counts[10..], c => Assert.Equal(0, c));
    }
}
