using FedTransfer.Site.Configuration;
using FedTransfer.Site.LocalData;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Models.Data;

namespace FedTransfer.Site.Tests.LocalData;

public sealed class SiteDataTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Splits_IdxFolder_SplitsLocallyByTheFractionWithAFixedSeed()
    {
        // Arrange
        IdxFiles.Write(_dir.Path, "train", Enumerable.Range(0, 50).Select(i => (byte)(i % 5)).ToArray());
        var options = new SiteOptions { DataDirectory = _dir.Path, ValidationFraction = 0.2 };

        // Act
        var first = new SiteData(options).Splits;
        var again = new SiteData(options).Splits;

        // Assert
        Assert.Equal(40, first.Train.Count);
        Assert.Equal(10, first.Validation.Count);
        Assert.Equal([1, 28, 28], first.Train.RowShape);
        Assert.Equal(first.Validation.Labels.ToArray(), again.Validation.Labels.ToArray());
    }

    [Fact]
    public void Splits_ImageClasses_KeepsAndRelabelsThoseLabels()
    {
        // Arrange: labels 0..9 five times; keep 5..9 as 0..4.
        IdxFiles.Write(_dir.Path, "train", Enumerable.Range(0, 50).Select(i => (byte)(i % 10)).ToArray(), gzip: false);
        var options = new SiteOptions { DataDirectory = _dir.Path, ValidationFraction = 0.2, ImageClasses = "5,6,7,8,9" };

        // Act
        var splits = new SiteData(options).Splits;

        // Assert
        Assert.Equal(25, splits.Train.Count + splits.Validation.Count);
        Assert.All(splits.Train.Labels.ToArray().Concat(splits.Validation.Labels.ToArray()), l => Assert.InRange(l, 0, 4));
    }

    [Fact]
    public void Splits_CsvFolder_ReadsTheTableWithTheLabelColumn()
    {
        // Arrange
        var rows = Enumerable.Range(0, 20).Select(i => $"{i * 0.5},{i % 3},{-i}");
        File.WriteAllLines(_dir.Combine("clinic.csv"), ["age,outcome,dose", .. rows]);
        var options = new SiteOptions { DataDirectory = _dir.Path, ValidationFraction = 0.25, CsvLabelColumn = "outcome" };

        // Act
        var splits = new SiteData(options).Splits;

        // Assert
        Assert.Equal(15, splits.Train.Count);
        Assert.Equal(5, splits.Validation.Count);
        Assert.Equal([2], splits.Train.RowShape);
    }

    [Fact]
    public void Splits_EmptyFolder_FailsSayingWhatFilesAreExpected()
    {
        // Arrange
        var data = new SiteData(new SiteOptions { DataDirectory = _dir.Path });

        // Act
        var error = Assert.Throws<FileNotFoundException>(() => data.Splits);

        // Assert
        Assert.Contains("train-images-idx3-ubyte", error.Message);
        Assert.Contains(".csv", error.Message);
    }

    [Fact]
    public void Splits_MalformedCsv_FailsWithTheFileAndLine()
    {
        // Arrange
        File.WriteAllLines(_dir.Combine("table.csv"), ["x,label", "1,0", "oops,1", "2,1"]);
        var data = new SiteData(new SiteOptions { DataDirectory = _dir.Path });

        // Act
        var error = Assert.Throws<DataFormatException>(() => data.Splits);

        // Assert
        Assert.Contains("table.csv", error.Message);
        Assert.Equal(3, error.LineNumber);
    }

    public void Dispose() => _dir.Dispose();
}
