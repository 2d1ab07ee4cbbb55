using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class DataFormatExceptionTests
{
    [Theory]
    [InlineData("f.csv", 7, "f.csv, line 7: bad")]
    [InlineData("f.idx", null, "f.idx: bad")]
    [InlineData(null, 3, "line 3: bad")]
    [InlineData(null, null, "bad")]
    public void Message_PrefixesLocation(string? file, int? line, string expected)
    {
        var e = new DataFormatException("bad", file, line);

        Assert.Equal(expected, e.Message);
        Assert.Equal(file, e.FileName);
        Assert.Equal(line, e.LineNumber);
    }
}
