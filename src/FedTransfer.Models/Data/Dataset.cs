namespace FedTransfer.Models.Data;

/// <summary>
/// An in-memory labelled dataset: a flat float feature array of <see cref="Count"/> rows of <see cref="RowShape"/>
/// (an image is [1, 28, 28], a tabular row [features]) and one class label per row. Immutable; every operation
/// returns a new dataset and is deterministic for a given seed. Holds no tensors: the trainer converts batches.
/// </summary>
public sealed class Dataset
{
    private readonly float[] _features;
    private readonly long[] _labels;

    /// <summary>Creates a dataset over the given arrays (not copied; do not mutate them afterwards).</summary>
    /// <param name="features">Count × product(rowShape) floats, row-major.</param>
    /// <param name="rowShape">Shape of one row; its product is the row size.</param>
    /// <param name="labels">One non-negative class index per row.</param>
    /// <param name="numClasses">Number of classes; defaults to max label + 1.</param>
    /// <exception cref="ArgumentException">Sizes disagree or a label is out of range.</exception>
    public Dataset(float[] features, int[] rowShape, long[] labels, int? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(rowShape);
        ArgumentNullException.ThrowIfNull(labels);
        if (rowShape.Length == 0 || rowShape.Any(d => d <= 0))
            throw new ArgumentException($"Row shape [{string.Join(", ", rowShape)}] must have positive dimensions.", nameof(rowShape));
        RowSize = rowShape.Aggregate(1, (a, d) => checked(a * d));
        if ((long)labels.Length * RowSize != features.Length)
            throw new ArgumentException($"{features.Length} features are not {labels.Length} rows of {RowSize}.", nameof(features));
        var maxLabel = labels.Length == 0 ? -1 : labels.Max();
        if (labels.Length > 0 && labels.Min() < 0) throw new ArgumentException("Labels must be non-negative class indices.", nameof(labels));
        NumClasses = numClasses ?? (int)(maxLabel + 1);
        if (maxLabel >= NumClasses)
            throw new ArgumentException($"Label {maxLabel} is out of range for {NumClasses} classes.", nameof(labels));
        _features = features;
        _labels = labels;
        RowShape = rowShape;
    }

    /// <summary>Number of rows.</summary>
    public int Count => _labels.Length;

    /// <summary>Shape of one row.</summary>
    public IReadOnlyList<int> RowShape { get; }

    /// <summary>Floats per row.</summary>
    public int RowSize { get; }

    /// <summary>Number of classes (labels are 0..NumClasses-1).</summary>
    public int NumClasses { get; }

    /// <summary>All features, row-major.</summary>
    public ReadOnlyMemory<float> Features => _features;

    /// <summary>All labels.</summary>
    public ReadOnlyMemory<long> Labels => _labels;

    /// <summary>The features of row <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => _features.AsSpan(checked(index * RowSize), RowSize);

    /// <summary>The label of row <paramref name="index"/>.</summary>
    public long Label(int index) => _labels[index];

    /// <summary>How many rows carry each class label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[NumClasses];
        foreach (var l in _labels) counts[l]++;
        return counts;
    }

    /// <summary>The rows at <paramref name="indices"/>, in that order (repeats allowed), copied.</summary>
    public Dataset Subset(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var features = new float[(long)indices.Count * RowSize];
        var labels = new long[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            var src = indices[i];
            if ((uint)src >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), src, $"Index {src} is outside the dataset's {Count} rows.");
            Row(src).CopyTo(features.AsSpan(i * RowSize, RowSize));
            labels[i] = _labels[src];
        }
        return new Dataset(features, [.. RowShape], labels, NumClasses);
    }

    /// <summary>The first <paramref name="count"/> rows of a seeded shuffle (e.g. a small labelled subset).</summary>
    public Dataset Sample(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return Subset(new SeededRandom(seed).Permutation(Count)[..count]);
    }

    /// <summary>Splits rows at random into a training and a validation part.</summary>
    /// <param name="validationFraction">Share of rows for validation, in [0, 1); rounded to whole rows.</param>
    /// <param name="seed">Same seed, same split.</param>
    public (Dataset Train, Dataset Validation) Split(double validationFraction, ulong seed)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Validation fraction must be in [0, 1).");
        var order = new SeededRandom(seed).Permutation(Count);
        var validation = (int)Math.Round(Count * validationFraction, MidpointRounding.AwayFromZero);
        return (Subset(order[validation..]), Subset(order[..validation]));
    }

    /// <summary>A copy with rows in a seeded random order.</summary>
    public Dataset Shuffle(ulong seed) => Subset(new SeededRandom(seed).Permutation(Count));

    /// <summary>A dataset with the same labels and new features of the same shape (e.g. after an image transform).</summary>
    public Dataset WithFeatures(float[] features) => new(features, [.. RowShape], _labels, NumClasses);

    /// <summary>Rows of several datasets with the same row shape, one after another (e.g. pooled centralised training).</summary>
    public static Dataset Concat(IReadOnlyList<Dataset> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Nothing to concatenate.", nameof(parts));
        var shape = parts[0].RowShape;
        if (parts.Any(p => !p.RowShape.SequenceEqual(shape)))
            throw new ArgumentException("Datasets to concatenate must share one row shape.", nameof(parts));
        var features = new float[parts.Sum(p => (long)p._features.Length)];
        var labels = new long[parts.Sum(p => p.Count)];
        int f = 0, l = 0;
        foreach (var p in parts)
        {
            p._features.CopyTo(features, f);
            p._labels.CopyTo(labels, l);
            f += p._features.Length;
            l += p.Count;
        }
        return new Dataset(features, [.. shape], labels, parts.Max(p => p.NumClasses));
    }

    /// <summary>
    /// One epoch of mini-batches covering every row exactly once. Shuffled epochs use <paramref name="seed"/> (pass a
    /// different seed per epoch, e.g. <c>SeededRandom.Derive(seed, epoch)</c>).
    /// </summary>
    public IEnumerable<DataBatch> Batches(int batchSize, bool shuffle, ulong seed = 0, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return Iterate(batchSize, shuffle ? new SeededRandom(seed).Permutation(Count) : null, dropLast);
    }

    private IEnumerable<DataBatch> Iterate(int batchSize, int[]? order, bool dropLast)
    {
        for (var start = 0; start < Count; start += batchSize)
        {
            var n = Math.Min(batchSize, Count - start);
            if (dropLast && n < batchSize) yield break;
            long[] shape = [n, .. RowShape.Select(d => (long)d)];
            if (order is null)
            {
                yield return new DataBatch(_features.AsMemory(start * RowSize, n * RowSize), _labels.AsMemory(start, n), n, shape);
                continue;
            }
            var features = new float[n * RowSize];
            var labels = new long[n];
            for (var i = 0; i < n; i++)
            {
                var src = order[start + i];
                Row(src).CopyTo(features.AsSpan(i * RowSize, RowSize));
                labels[i] = _labels[src];
            }
            yield return new DataBatch(features, labels, n, shape);
        }
    }
}
