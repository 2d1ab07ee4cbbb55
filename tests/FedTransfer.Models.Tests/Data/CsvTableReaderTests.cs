using FedTransfer.Models.Data;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class CsvTableReaderTests
{
    private static CsvTable Read(string text, CsvTableOptions? options = null) =>
        CsvTableReader.Read(new StringReader(text), options ?? new CsvTableOptions { LabelColumn = "y" }, "rows.csv");

    private static DataFormatException Fails(string text, CsvTableOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => Read(text, options));

    [Fact]
    public void Read_GoodRows_FeaturesInColumnOrderLabelByName()
    {
        var table = Read("age,y,income\n31,1,2.5e3\n\n45,0,-1.25\n");

        Assert.Equal(["age", "income"], table.FeatureNames);
        Assert.Equal([2], table.Data.RowShape);
        Assert.Equal([31f, 2500f, 45f, -1.25f], table.Data.Features.ToArray());
        Assert.Equal([1L, 0L], table.Data.Labels.ToArray());
    }

    [Fact]
    public void Read_ClassNamesAndIgnoredColumn_MapsTextLabels()
    {
        var options = new CsvTableOptions { LabelColumn = "kind", IgnoreColumns = ["id"], ClassNames = ["benign", "malignant"] };

        var table = Read("id;x;kind\nA7;0.5;malignant\nB2;1;benign\n", options with { Delimiter = ';' });

        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal([1L, 0L], table.Data.Labels.ToArray());
        Assert.Equal(2, table.Data.NumClasses);
    }

    [Theory]
    [InlineData("a,y\n1,0\n2\n", 3, "expected 2 fields as in the header, found 1")]
    [InlineData("a,y\n1,0\nx,1\n", 3, "column 'a' value 'x' is not a number")]
    [InlineData("a,y\n,1\n", 2, "column 'a' is empty")]
    [InlineData("a,y\nNaN,1\n", 2, "not finite")]
    [InlineData("a,y\n1,-1\n", 2, "label '-1' in column 'y' is not a non-negative integer")]
    [InlineData("a,y\n1,cat\n", 2, "pass ClassNames")]
    [InlineData("a,y\n1,\"0\n", 2, "not closed")]
    [InlineData("a,b\n1,0\n", 1, "label column 'y' not in the header")]
    [InlineData("a,a,y\n1,2,0\n", 1, "column 'a' appears twice")]
    public void Read_BadInput_NamesFileAndLine(string text, int line, string expected)
    {
        var e = Fails(text);

        Assert.Equal(line, e.LineNumber);
        Assert.StartsWith($"rows.csv, line {line}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_UnknownClassName_Fails()
    {
        var e = Fails("x,y\n1,dog\n", new CsvTableOptions { LabelColumn = "y", ClassNames = ["cat"] });

        Assert.Contains("'dog'", e.Message);
    }

    [Fact]
    public void Read_Empty_Fails()
    {
        var e = Fails("\n\n");

        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void Read_OnlyLabelColumn_Fails()
    {
        var e = Fails("y\n1\n");

        Assert.Contains("no feature columns", e.Message);
    }

    [Fact]
    public void ReadFile_FromDisk()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "f1,f2,y\n1,2,3\n");

            var table = CsvTableReader.ReadFile(path, new CsvTableOptions { LabelColumn = "y" });

            Assert.Equal(1, table.Data.Count);
            Assert.Equal(4, table.Data.NumClasses);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
