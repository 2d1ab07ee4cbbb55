using System.Buffers.Binary;
using System.IO.Compression;

namespace FedTransfer.Site.Tests.Support;

/// <summary>Writes small Fashion-MNIST-format IDX files (28×28 UInt8 images, UInt8 labels), optionally gzipped.</summary>
internal static class IdxFiles
{
    public static void Write(string directory, string prefix, IReadOnlyList<byte> labels, bool gzip = true, int seed = 1)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var pixels = new byte[labels.Count * 28 * 28];
        random.NextBytes(pixels);
        WriteFile(Path.Combine(directory, $"{prefix}-images-idx3-ubyte"), 3, [labels.Count, 28, 28], pixels, gzip);
        WriteFile(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte"), 1, [labels.Count], [.. labels], gzip);
    }

    private static void WriteFile(string path, byte dims, int[] shape, byte[] data, bool gzip)
    {
        using var file = File.Create(gzip ? path + ".gz" : path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        stream.Write([0, 0, 0x08, dims]);
        foreach (var d in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
        stream.Write(data);
    }
}
