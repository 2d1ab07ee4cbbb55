using System.Buffers.Binary;
using System.IO.Compression;

namespace FedTransfer.Models.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format: two zero bytes, an element-type byte, a dimension count, then
/// one big-endian uint32 per dimension and the elements). Gzip-compressed files are recognised by their magic bytes
/// and decompressed on the fly, so Debian's <c>*-ubyte.gz</c> files read directly.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads an IDX file, gzip-compressed or not.</summary>
    /// <exception cref="DataFormatException">The file is not IDX, or is truncated or has trailing bytes.</exception>
    public static IdxData ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(fs, path);
    }

    /// <summary>Reads IDX data from a stream, gzip-compressed or not.</summary>
    /// <param name="stream">The data.</param>
    /// <param name="sourceName">Where the data came from, for error messages.</param>
    public static IdxData Read(Stream stream, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffered = new BufferedStream(stream, 1 << 16);
        Span<byte> magic = stackalloc byte[4];
        var got = buffered.ReadAtLeast(magic, 4, throwOnEndOfStream: false);
        if (got >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        {
            // Gzip: re-read from the start through the decompressor.
            using var gz = new GZipStream(new PrefixedStream(magic[..got].ToArray(), buffered), CompressionMode.Decompress);
            try
            {
                return ReadIdx(gz, sourceName);
            }
            catch (InvalidDataException e)
            {
                throw new DataFormatException($"the gzip stream is corrupt ({e.Message}); re-download or re-install the file", sourceName, innerException: e);
            }
        }
        return ReadIdx(new PrefixedStream(magic[..got].ToArray(), buffered), sourceName);
    }

    private static IdxData ReadIdx(Stream s, string? source)
    {
        Span<byte> magic = stackalloc byte[4];
        if (s.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
            throw new DataFormatException("file is shorter than the 4-byte IDX magic number", source);
        if (magic[0] != 0 || magic[1] != 0)
            throw new DataFormatException($"bad IDX magic number 0x{magic[0]:X2}{magic[1]:X2}{magic[2]:X2}{magic[3]:X2}: the first two bytes must be zero; this is not an IDX file", source);
        var type = (IdxElementType)magic[2];
        var size = IdxData.ElementSize(type);
        if (size == 0)
            throw new DataFormatException($"unknown IDX element type 0x{magic[2]:X2} (expected 08, 09, 0B, 0C, 0D or 0E)", source);
        int rank = magic[3];
        if (rank == 0) throw new DataFormatException("IDX file declares zero dimensions", source);

        var dims = new byte[4 * rank];
        if (s.ReadAtLeast(dims, dims.Length, throwOnEndOfStream: false) < dims.Length)
            throw new DataFormatException($"file is truncated inside the {rank} dimension sizes", source);
        var shape = new int[rank];
        long count = 1;
        for (var i = 0; i < rank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(dims.AsSpan(4 * i));
            if (d > int.MaxValue) throw new DataFormatException($"dimension {i} is {d}, too large", source);
            shape[i] = (int)d;
            count *= d;
            if (count * size > Array.MaxLength)
                throw new DataFormatException($"dimensions [{string.Join(", ", dims.Chunk(4).Select(c => BinaryPrimitives.ReadUInt32BigEndian(c)))}] need more than {Array.MaxLength} bytes", source);
        }

        var raw = GC.AllocateUninitializedArray<byte>((int)(count * size));
        var read = s.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
        if (read < raw.Length)
            throw new DataFormatException($"file is truncated: dimensions [{string.Join(", ", shape)}] need {raw.Length} data bytes, found {read}", source);
        if (s.ReadByte() >= 0)
            throw new DataFormatException($"unexpected bytes after the {raw.Length} data bytes of dimensions [{string.Join(", ", shape)}]", source);
        return new IdxData(type, shape, raw);
    }

    /// <summary>Replays bytes already consumed for format sniffing, then continues with the inner stream.</summary>
    private sealed class PrefixedStream(byte[] prefix, Stream inner) : Stream
    {
        private int _at;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_at < prefix.Length)
            {
                var n = Math.Min(buffer.Length, prefix.Length - _at);
                prefix.AsSpan(_at, n).CopyTo(buffer);
                _at += n;
                return n;
            }
            return inner.Read(buffer);
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
