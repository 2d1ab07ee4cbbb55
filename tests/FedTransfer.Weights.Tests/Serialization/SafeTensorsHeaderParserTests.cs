using FedTransfer.Weights.Serialization;
using static FedTransfer.Weights.Tests.Serialization.SafeTensorsTestFiles;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsHeaderParserTests
{
    private static readonly byte[] EightBytes = new byte[8];

    [Fact]
    public void Read_HeaderLengthLargerThanFile_NamesFileAndLength()
    {
        var bytes = Raw("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}""", declaredLength: 5000);

        var e = ReadFails(bytes);

        Assert.Contains("'t.safetensors'", e.Message);
        Assert.Contains("header length 5000 is larger than the file", e.Message);
    }

    [Fact]
    public void Read_HugeHeaderLength_RejectedBeforeAllocating()
    {
        var bytes = Raw("{}", declaredLength: ulong.MaxValue);

        var e = ReadFails(bytes);

        Assert.Contains("exceeds", e.Message);
    }

    [Fact]
    public void Read_ShorterThanPrefix_Fails()
    {
        var e = ReadFails([1, 2, 3]);

        Assert.Contains("shorter than the 8-byte header length prefix", e.Message);
    }

    [Fact]
    public void Read_TruncatedData_NamesTensor()
    {
        var good = TwoTensors();

        var e = ReadFails(good[..^3]);

        Assert.Equal("b", e.TensorName);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("tensor 'b'", e.Message);
    }

    [Fact]
    public void Read_MalformedJsonInsideEntry_NamesTensor()
    {
        var bytes = Raw("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]""", new byte[4]);

        var e = ReadFails(bytes);

        Assert.Equal("w", e.TensorName);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Read_HeaderNotAnObject_Fails()
    {
        var e = ReadFails(Raw("""["w"]"""));

        Assert.Contains("must start with '{'", e.Message);
    }

    [Theory]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}""", 12, "span 12 bytes but F32 [2] needs 8")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "out of order")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,9]}}""", 8, "must be [begin, end]")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "gap of 4 bytes")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 4, "out of range")]
    [InlineData("""{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}""", 8, "unknown or unsupported dtype 'Q4'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", 8, "negative dimension")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", 8, "integers only")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2]}}""", 0, "no 'data_offsets'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}""", 8, "unknown key 'extra'")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"shape":[2],"data_offsets":[0,8]}}""", 8, "appears twice")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", 16, "appears twice")]
    [InlineData("""{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", 11, "3 bytes of trailing garbage")]
    [InlineData("""{"w":7}""", 0, "must be an object")]
    [InlineData("""{"w":{"dtype":"F32","shape":[4611686018427387904, 4],"data_offsets":[0,8]}}""", 8, "too large")]
    public void Read_BadEntry_ThrowsNamingTensor(string json, int dataLength, string expected)
    {
        var bytes = Raw(json, new byte[dataLength]);

        var e = ReadFails(bytes);

        Assert.Equal("w", e.TensorName);
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_OverlappingOffsets_NamesBothTensors()
    {
        var json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""";

        var e = ReadFails(Raw(json, new byte[12]));

        Assert.Equal("b", e.TensorName);
        Assert.Contains("overlap tensor 'a'", e.Message);
    }

    [Fact]
    public void Read_TrailingGarbageAfterOurOwnFile_NamesLastTensor()
    {
        var bytes = TwoTensors().Concat(EightBytes).ToArray();

        var e = ReadFails(bytes);

        Assert.Equal("b", e.TensorName);
        Assert.Contains("8 bytes of trailing garbage", e.Message);
    }

    [Theory]
    [InlineData("""{"__metadata__":{"k":3}}""", "value of 'k' must be a string")]
    [InlineData("""{"__metadata__":[1]}""", "must be an object of strings")]
    [InlineData("""{"__metadata__":{"k":"a","k":"b"}}""", "key 'k' appears twice")]
    public void Read_BadMetadata_Fails(string json, string expected)
    {
        var e = ReadFails(Raw(json));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_HeaderPaddedWithSpaces_Accepted()
    {
        var bytes = Raw("""{"w":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}}     """, [1, 2, 3]);

        var file = SafeTensors.Read(bytes);

        Assert.Equal(new byte[] { 1, 2, 3 }, file["w"].Data.ToArray());
    }

    [Fact]
    public void Read_ContentAfterJsonObject_Fails()
    {
        var e = ReadFails(Raw("""{} {}"""));

        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void Read_EntriesListedOutOfDataOrder_ReturnedInFileOrder()
    {
        var json = """{"z":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}""";

        var file = SafeTensors.Read(Raw(json, [9, 1, 2]));

        Assert.Equal(["z", "a"], file.Tensors.Select(t => t.Name));
        Assert.Equal(new byte[] { 1, 2 }, file["a"].Data.ToArray());
    }
}
