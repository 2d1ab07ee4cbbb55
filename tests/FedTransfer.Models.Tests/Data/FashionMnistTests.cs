using FedTransfer.Models.Data;
using FedTransfer.Models.Tests.TestSupport;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Data;

public sealed class FashionMnistTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-fm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a tiny fake Fashion-MNIST test split: image i is filled with value i*10, label i % 10.</summary>
    private void WriteFake(int n, bool gzip)
    {
        var pixels = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat((byte)(i * 10), 28 * 28)).ToArray();
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
        var images = IdxReaderTests.Idx(0x08, [n, 28, 28], pixels);
        var lbl = IdxReaderTests.Idx(0x08, [n], labels);
        var ext = gzip ? ".gz" : "";
        File.WriteAllBytes(Path.Combine(_dir, "t10k-images-idx3-ubyte" + ext), gzip ? IdxReaderTests.Gzip(images) : images);
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte" + ext), gzip ? IdxReaderTests.Gzip(lbl) : lbl);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Load_AllClasses_ScalesToUnitRangeWithChannelShape(bool gzip)
    {
        WriteFake(12, gzip);

        var data = FashionMnist.Load(_dir, FashionMnistSplit.Test);

        Assert.Equal(12, data.Count);
        Assert.Equal([1, 28, 28], data.RowShape);
        Assert.Equal(10, data.NumClasses);
        Assert.Equal(110 / 255f, data.Row(11)[0]);
        Assert.Equal(1L, data.Label(11));
    }

    [Fact]
    public void Load_ClassFilter_KeepsOnlyThoseAndRemaps()
    {
        WriteFake(20, gzip: true);

        var data = FashionMnist.Load(_dir, FashionMnistSplit.Test, [5, 6, 7, 8, 9]);

        Assert.Equal(10, data.Count);
        Assert.Equal(5, data.NumClasses);
        Assert.Equal([0L, 1L, 2L, 3L, 4L, 0L, 1L, 2L, 3L, 4L], data.Labels.ToArray());
        Assert.Equal(50 / 255f, data.Row(0)[0]);
    }

    [Fact]
    public void Load_MissingFiles_SaysHowToInstall()
    {
        var e = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(_dir, FashionMnistSplit.Train));

        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.False(FashionMnist.IsAvailable(_dir));
    }

    [Fact]
    public void Load_CountMismatch_NamesLabelFile()
    {
        WriteFake(3, gzip: false);
        File.WriteAllBytes(Path.Combine(_dir, "t10k-labels-idx1-ubyte"), IdxReaderTests.Idx(0x08, [2], [0, 1]));

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(_dir, FashionMnistSplit.Test));

        Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
        Assert.Contains("expected 3 UInt8 labels", e.Message);
    }

    [Fact]
    public void Load_DuplicateClass_Throws()
    {
        WriteFake(3, gzip: false);

        Assert.Throws<ArgumentException>(() => FashionMnist.Load(_dir, FashionMnistSplit.Test, [1, 1]));
    }

    [FashionMnistFact]
    public void Load_RealTestSplitClasses5To9_5000ImagesBalanced()
    {
        var data = FashionMnist.Load(FashionMnistSplit.Test, [5, 6, 7, 8, 9]);

        Assert.Equal(5000, data.Count);
        Assert.Equal([1000, 1000, 1000, 1000, 1000], data.ClassCounts());
        var pixels = data.Features.Span;
        var max = 0f;
        foreach (var p in pixels) { Assert.InRange(p, 0f, 1f); max = Math.Max(max, p); }
        Assert.Equal(1f, max);
    }
}
