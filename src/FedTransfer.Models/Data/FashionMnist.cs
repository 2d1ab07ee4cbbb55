namespace FedTransfer.Models.Data;

/// <summary>Which half of Fashion-MNIST to load.</summary>
public enum FashionMnistSplit
{
    /// <summary>The 60,000 training images (<c>train-*</c>).</summary>
    Train,
    /// <summary>The 10,000 test images (<c>t10k-*</c>).</summary>
    Test,
}

/// <summary>
/// Loads Fashion-MNIST (Xiao, Rasul and Vollgraf 2017) from IDX files, by default Debian's
/// <c>dataset-fashion-mnist</c> package. Images become floats in [0, 1] with row shape [1, 28, 28] (one channel,
/// ready for a patch-embedding convolution); labels are class indices.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Image side in pixels.</summary>
    public const int ImageSize = 28;

    /// <summary>The ten class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads one split, optionally keeping only some classes.</summary>
    /// <param name="directory">Folder holding <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]</c>.</param>
    /// <param name="split">Train or test.</param>
    /// <param name="classes">Original labels to keep, e.g. 5..9; null keeps all ten. Kept rows are relabelled to their
    /// position in this list (5→0, ..., 9→4) so a head with <c>classes.Count</c> outputs fits.</param>
    /// <exception cref="FileNotFoundException">A file is missing; the message says which and how to install it.</exception>
    /// <exception cref="DataFormatException">A file is malformed or the two files disagree.</exception>
    public static Dataset Load(string directory, FashionMnistSplit split, IReadOnlyList<int>? classes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var prefix = split == FashionMnistSplit.Train ? "train" : "t10k";
        var imagesPath = Locate(directory, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Locate(directory, $"{prefix}-labels-idx1-ubyte");
        var images = IdxReader.ReadFile(imagesPath);
        var labels = IdxReader.ReadFile(labelsPath);

        if (images.ElementType != IdxElementType.UInt8 || images.Shape is not [var n, ImageSize, ImageSize])
            throw new DataFormatException($"expected UInt8 images of shape [N, 28, 28], found {images.ElementType} [{string.Join(", ", images.Shape)}]", imagesPath);
        if (labels.ElementType != IdxElementType.UInt8 || labels.Shape is not [var m] || m != n)
            throw new DataFormatException($"expected {n} UInt8 labels to match the images, found {labels.ElementType} [{string.Join(", ", labels.Shape)}]", labelsPath);

        var remap = BuildRemap(classes);
        var labelBytes = labels.AsBytes();
        var pixels = images.AsBytes();
        var keep = new List<int>(n);
        for (var i = 0; i < n; i++)
        {
            if (labelBytes[i] >= 10) throw new DataFormatException($"label {labelBytes[i]} at index {i} is outside 0-9", labelsPath);
            if (remap[labelBytes[i]] >= 0) keep.Add(i);
        }

        const int rowSize = ImageSize * ImageSize;
        var features = new float[(long)keep.Count * rowSize];
        var outLabels = new long[keep.Count];
        for (var k = 0; k < keep.Count; k++)
        {
            var src = pixels.Slice(keep[k] * rowSize, rowSize);
            var dst = features.AsSpan(k * rowSize, rowSize);
            for (var p = 0; p < rowSize; p++) dst[p] = src[p] / 255f;
            outLabels[k] = remap[labelBytes[keep[k]]];
        }
        return new Dataset(features, [1, ImageSize, ImageSize], outLabels, classes?.Count ?? 10);
    }

    /// <summary>Loads from <see cref="DefaultDirectory"/>.</summary>
    public static Dataset Load(FashionMnistSplit split, IReadOnlyList<int>? classes = null) => Load(DefaultDirectory, split, classes);

    /// <summary>True when both files of <paramref name="split"/> exist (compressed or not) in <paramref name="directory"/>.</summary>
    public static bool IsAvailable(string directory = DefaultDirectory, FashionMnistSplit split = FashionMnistSplit.Train)
    {
        var prefix = split == FashionMnistSplit.Train ? "train" : "t10k";
        return TryLocate(directory, $"{prefix}-images-idx3-ubyte") is not null && TryLocate(directory, $"{prefix}-labels-idx1-ubyte") is not null;
    }

    private static int[] BuildRemap(IReadOnlyList<int>? classes)
    {
        var remap = new int[10];
        if (classes is null)
        {
            for (var c = 0; c < 10; c++) remap[c] = c;
            return remap;
        }
        if (classes.Count == 0) throw new ArgumentException("At least one class must be kept.", nameof(classes));
        Array.Fill(remap, -1);
        for (var i = 0; i < classes.Count; i++)
        {
            var c = classes[i];
            if (c is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(classes), c, "Fashion-MNIST classes are 0-9.");
            if (remap[c] >= 0) throw new ArgumentException($"Class {c} is listed twice.", nameof(classes));
            remap[c] = i;
        }
        return remap;
    }

    private static string Locate(string directory, string name) => TryLocate(directory, name)
        ?? throw new FileNotFoundException(
            $"Fashion-MNIST file '{name}' (or '{name}.gz') not found in '{directory}'; install it with 'apt-get install dataset-fashion-mnist' or pass the folder that holds it.",
            Path.Combine(directory, name + ".gz"));

    private static string? TryLocate(string directory, string name)
    {
        foreach (var candidate in new[] { name + ".gz", name })
        {
            var path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
