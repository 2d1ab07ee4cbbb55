using System.Buffers.Binary;

namespace FedTransfer.Models.Data;

/// <summary>
/// Writes image datasets as UInt8 IDX file pairs (<c>PREFIX-images-idx3-ubyte</c>, <c>PREFIX-labels-idx1-ubyte</c>),
/// the twin of <see cref="IdxReader"/>: how the demo hands each site its data in the same format a real site would hold.
/// </summary>
public static class IdxWriter
{
    /// <summary>Writes <paramref name="images"/> (pixels in [0, 1], rows of shape [1, H, W] or [H, W]) and labels 0..255.</summary>
    /// <returns>The two file paths.</returns>
    public static (string Images, string Labels) WriteImageSet(string directory, string prefix, Dataset images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var shape = images.RowShape;
        var (h, w) = shape.Count switch
        {
            2 => (shape[0], shape[1]),
            3 when shape[0] == 1 => (shape[1], shape[2]),
            _ => throw new ArgumentException($"IDX images need rows of shape [H, W] or [1, H, W], not [{string.Join(", ", shape)}]."),
        };
        Directory.CreateDirectory(directory);
        var imagesPath = Path.Combine(directory, $"{prefix}-images-idx3-ubyte");
        var labelsPath = Path.Combine(directory, $"{prefix}-labels-idx1-ubyte");

        var pixels = new byte[images.Count * images.RowSize];
        var features = images.Features.Span;
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)Math.Clamp(MathF.Round(features[i] * 255f), 0f, 255f);
        var labels = new byte[images.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            var label = images.Label(i);
            if (label is < 0 or > 255)
                throw new ArgumentException($"Label {label} of row {i} does not fit an IDX UInt8 label file.");
            labels[i] = (byte)label;
        }
        WriteAtomically(imagesPath, [images.Count, h, w], pixels);
        WriteAtomically(labelsPath, [images.Count], labels);
        return (imagesPath, labelsPath);
    }

    private static void WriteAtomically(string path, int[] dims, byte[] data)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> header = stackalloc byte[4 + 4 * dims.Length];
            header[2] = (byte)IdxElementType.UInt8;
            header[3] = (byte)dims.Length;
            for (var d = 0; d < dims.Length; d++)
                BinaryPrimitives.WriteInt32BigEndian(header[(4 + 4 * d)..], dims[d]);
            stream.Write(header);
            stream.Write(data);
        }
        File.Move(temp, path, overwrite: true);
    }
}
