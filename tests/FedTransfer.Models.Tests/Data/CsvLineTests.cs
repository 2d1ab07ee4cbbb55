using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class CsvLineTests
{
    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData(" a , b ", new[] { "a", "b" })]
    [InlineData("\"x,y\",2", new[] { "x,y", "2" })]
    [InlineData("\"say \"\"hi\"\"\",", new[] { "say \"hi\"", "" })]
    [InlineData("", new[] { "" })]
    public void Split_ValidLines(string line, string[] expected)
    {
        var fields = CsvLine.Split(line, ',', out var error);

        Assert.Null(error);
        Assert.Equal(expected, fields);
    }

    [Theory]
    [InlineData("\"open,1", "not closed")]
    [InlineData("\"a\"b,1", "text after the closing quote of field 1")]
    public void Split_BrokenQuoting_ReportsField(string line, string expected)
    {
        var fields = CsvLine.Split(line, ',', out var error);

        Assert.Null(fields);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Split_OtherDelimiter()
    {
        Assert.Equal(["1,5", "2"], CsvLine.Split("1,5;2", ';', out _));
    }
}
