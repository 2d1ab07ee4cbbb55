using FedTransfer.Site.Configuration;
using FedTransfer.Models.Data;

namespace FedTransfer.Site.LocalData;

/// <summary>
/// The site's own examples, read once from the data folder and split into train and validation parts locally with a
/// fixed seed (the same split on every start). Nothing here is ever sent: only the two counts are reported.
/// </summary>
internal sealed class SiteData
{
    private readonly SiteOptions _options;
    private readonly Lazy<SiteSplits> _splits;

    public SiteData(SiteOptions options)
    {
        _options = options;
        _splits = new Lazy<SiteSplits>(Read, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The train and validation splits (read on first use).</summary>
    /// <exception cref="FileNotFoundException">No usable data files in the folder.</exception>
    /// <exception cref="DataFormatException">A data file is malformed; the message names file and position.</exception>
    public SiteSplits Splits => _splits.Value;

    private SiteSplits Read()
    {
        var directory = Path.GetFullPath(_options.DataDirectory);
        var format = _options.DataFormat == SiteDataFormat.Auto ? Detect(directory) : _options.DataFormat;
        var (all, source) = format == SiteDataFormat.Idx ? ReadIdx(directory) : ReadCsv(directory);
        if (all.Count < 2)
            throw new DataFormatException($"only {all.Count} example(s) found; a site needs at least 2 (one to train on, one to validate)", source);
        var (train, validation) = all.Split(_options.ValidationFraction, unchecked((ulong)_options.SplitSeed));
        return new SiteSplits(train, validation, source);
    }

    private static SiteDataFormat Detect(string directory)
    {
        if (FashionMnist.IsAvailable(directory, FashionMnistSplit.Train) || FashionMnist.IsAvailable(directory, FashionMnistSplit.Test))
            return SiteDataFormat.Idx;
        if (Directory.EnumerateFiles(directory, "*.csv").Any())
            return SiteDataFormat.Csv;
        throw new FileNotFoundException(
            $"no data in '{directory}': expected train-images-idx3-ubyte(.gz) with train-labels-idx1-ubyte(.gz), or one .csv file; check Site:DataDirectory");
    }

    private (Dataset, string) ReadIdx(string directory)
    {
        SiteOptionsValidator.TryParseClasses(_options.ImageClasses, out var classes);
        // A site holds one pool of examples; the train-* files are it, or the t10k-* files when those are all there is.
        var split = FashionMnist.IsAvailable(directory, FashionMnistSplit.Train) ? FashionMnistSplit.Train : FashionMnistSplit.Test;
        return (FashionMnist.Load(directory, split, classes), Path.Combine(directory, split == FashionMnistSplit.Train ? "train-*" : "t10k-*"));
    }

    private (Dataset, string) ReadCsv(string directory)
    {
        var files = Directory.EnumerateFiles(directory, "*.csv").Order(StringComparer.Ordinal).ToList();
        if (files.Count != 1)
            throw new FileNotFoundException(files.Count == 0
                ? $"no .csv file in '{directory}'; put the site's table there or set Site:DataFormat"
                : $"{files.Count} .csv files in '{directory}' ({string.Join(", ", files.Select(Path.GetFileName))}); keep exactly one");
        var table = CsvTableReader.ReadFile(files[0], new CsvTableOptions { LabelColumn = _options.CsvLabelColumn });
        return (table.Data, files[0]);
    }
}

/// <summary>The local splits and where they were read from.</summary>
internal sealed record SiteSplits(Dataset Train, Dataset Validation, string Source);
