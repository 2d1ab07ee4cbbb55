using System.Globalization;

namespace FedTransfer.Models.Data;

/// <summary>How to read a CSV table of numeric features and one label column.</summary>
public sealed record CsvTableOptions
{
    /// <summary>Name of the label column (header text, case-sensitive).</summary>
    public required string LabelColumn { get; init; }

    /// <summary>Field separator; comma by default.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Columns to skip, e.g. an id column.</summary>
    public IReadOnlyList<string> IgnoreColumns { get; init; } = [];

    /// <summary>
    /// Class names in label order. When given, label cells hold these names (mapped to their index); when null,
    /// label cells must be non-negative integers. Every site must use the same list so labels agree across sites.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}

/// <summary>A table read from CSV: the dataset (row shape [features]) and the feature column names in order.</summary>
/// <param name="Data">Features and labels.</param>
/// <param name="FeatureNames">Feature column names, in the order of each row's values.</param>
public sealed record CsvTable(Dataset Data, IReadOnlyList<string> FeatureNames);

/// <summary>
/// Reads tabular rows: a header line, numeric feature columns, one label column chosen by name. Bad rows fail with
/// the file, the line number and the column, never silently dropped. Blank lines are skipped.
/// </summary>
public static class CsvTableReader
{
    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="DataFormatException">A row is malformed; the message names file, line and column.</exception>
    public static CsvTable ReadFile(string path, CsvTableOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return Read(reader, options, path);
    }

    /// <summary>Reads CSV text.</summary>
    public static CsvTable Read(TextReader reader, CsvTableOptions options, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var lineNumber = 0;
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        } while (line is not null && string.IsNullOrWhiteSpace(line));
        if (line is null) throw new DataFormatException("the file is empty; expected a header line", sourceName);

        var header = CsvLine.Split(line, options.Delimiter, out var error)
            ?? throw new DataFormatException($"header: {error}", sourceName, lineNumber);
        var labelIndex = ResolveColumns(header, options, sourceName, lineNumber, out var featureIndices);
        var classIndex = options.ClassNames?.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => (long)p.i, StringComparer.Ordinal);

        var features = new List<float>();
        var labels = new List<long>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var fields = CsvLine.Split(line, options.Delimiter, out error)
                ?? throw new DataFormatException(error!, sourceName, lineNumber);
            if (fields.Count != header.Count)
                throw new DataFormatException($"expected {header.Count} fields as in the header, found {fields.Count}", sourceName, lineNumber);
            foreach (var c in featureIndices)
                features.Add(ParseFeature(fields[c], header[c], sourceName, lineNumber));
            labels.Add(ParseLabel(fields[labelIndex], options, classIndex, sourceName, lineNumber));
        }
        if (featureIndices.Length == 0) throw new DataFormatException("the table has no feature columns besides the label", sourceName);
        var data = new Dataset([.. features], [featureIndices.Length], [.. labels], options.ClassNames?.Count);
        return new CsvTable(data, featureIndices.Select(i => header[i]).ToArray());
    }

    private static int ResolveColumns(List<string> header, CsvTableOptions options, string? source, int line, out int[] featureIndices)
    {
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFormatException($"column '{duplicate.Key}' appears twice in the header", source, line);
        var labelIndex = header.IndexOf(options.LabelColumn);
        if (labelIndex < 0)
            throw new DataFormatException($"label column '{options.LabelColumn}' not in the header (columns: {string.Join(", ", header)})", source, line);
        foreach (var ignored in options.IgnoreColumns.Where(c => !header.Contains(c)))
            throw new DataFormatException($"ignored column '{ignored}' not in the header", source, line);
        featureIndices = Enumerable.Range(0, header.Count)
            .Where(i => i != labelIndex && !options.IgnoreColumns.Contains(header[i]))
            .ToArray();
        return labelIndex;
    }

    private static float ParseFeature(string cell, string column, string? source, int line)
    {
        if (cell.Length == 0) throw new DataFormatException($"column '{column}' is empty; missing values are not supported, fill or drop the row", source, line);
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new DataFormatException($"column '{column}' value '{cell}' is not a number", source, line);
        if (!float.IsFinite(value)) throw new DataFormatException($"column '{column}' value '{cell}' is not finite", source, line);
        return value;
    }

    private static long ParseLabel(string cell, CsvTableOptions options, Dictionary<string, long>? classIndex, string? source, int line)
    {
        if (classIndex is not null)
        {
            return classIndex.TryGetValue(cell, out var index)
                ? index
                : throw new DataFormatException($"label '{cell}' in column '{options.LabelColumn}' is not one of the classes {string.Join(", ", options.ClassNames!)}", source, line);
        }
        if (!long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var label) || label < 0)
            throw new DataFormatException($"label '{cell}' in column '{options.LabelColumn}' is not a non-negative integer; pass ClassNames for text labels", source, line);
        return label;
    }
}
