namespace FedTransfer.Weights.Serialization;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8
/// JSON (name → dtype, shape, data_offsets; optional <c>__metadata__</c> string map), then the tensors' bytes.
/// Writing is deterministic (tensors sorted by name). Reading validates everything and throws
/// <see cref="SafeTensorsFormatException"/> naming the file, the tensor and the problem.
/// </summary>
public static class SafeTensors
{
    /// <summary>Serializes tensors (and optional metadata) into one byte array.</summary>
    /// <exception cref="ArgumentException">A record is invalid (duplicate name, data length not matching dtype × shape...).</exception>
    public static byte[] Serialize(IEnumerable<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var plan = SafeTensorsWriter.Plan(tensors, metadata);
        if (plan.TotalLength > Array.MaxLength)
            throw new ArgumentException($"The tensors need {plan.TotalLength} bytes, more than one array can hold; use Write(Stream, ...) or WriteFile.");
        var bytes = GC.AllocateUninitializedArray<byte>((int)plan.TotalLength);
        plan.CopyTo(bytes);
        return bytes;
    }

    /// <summary>Writes tensors (and optional metadata) to a stream, without building the file in memory.</summary>
    public static void Write(Stream stream, IEnumerable<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SafeTensorsWriter.Plan(tensors, metadata).WriteTo(stream);
    }

    /// <summary>Asynchronously writes tensors (and optional metadata) to a stream.</summary>
    public static Task WriteAsync(Stream stream, IEnumerable<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return SafeTensorsWriter.Plan(tensors, metadata).WriteToAsync(stream, cancellationToken);
    }

    /// <summary>
    /// Writes a file atomically: the bytes go to a temporary file beside <paramref name="path"/> that is then renamed
    /// over it, so a crash never leaves a half-written file where a good one was.
    /// </summary>
    public static void WriteFile(string path, IEnumerable<TensorRecord> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var plan = SafeTensorsWriter.Plan(tensors, metadata);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                plan.WriteTo(fs);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Reads a safetensors buffer. The records' data are slices of <paramref name="bytes"/>: nothing is copied.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="fileName">Where the bytes came from, for error messages.</param>
    public static SafeTensorsFile Read(byte[] bytes, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(new ReadOnlyMemory<byte>(bytes), fileName);
    }

    /// <summary>Reads a safetensors buffer. The records' data are slices of <paramref name="bytes"/>: nothing is copied.</summary>
    public static SafeTensorsFile Read(ReadOnlyMemory<byte> bytes, string? fileName = null)
    {
        var span = bytes.Span;
        if (span.Length < 8)
            throw new SafeTensorsFormatException($"the data is {span.Length} bytes long, shorter than the 8-byte header length prefix", fileName);
        var n = SafeTensorsHeaderParser.ParseLength(span[..8], span.Length - 8, fileName);
        var header = SafeTensorsHeaderParser.Parse(span.Slice(8, (int)n), span.Length - 8 - n, fileName);
        var data = bytes[(int)header.DataOffset..];
        var records = new TensorRecord[header.Tensors.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var e = header.Tensors[i];
            records[i] = new TensorRecord(e.Name, e.DType, e.Shape, data.Slice((int)e.Begin, (int)e.ByteLength));
        }
        return new SafeTensorsFile(records, header.Metadata, fileName);
    }

    /// <summary>Reads a safetensors buffer held in a span; the data is copied once, since a span cannot be kept.</summary>
    public static SafeTensorsFile Read(ReadOnlySpan<byte> bytes, string? fileName = null) => Read(bytes.ToArray(), fileName);

    /// <summary>Reads a file. Each tensor gets its own array, so files larger than 2 GB load as long as each tensor fits.</summary>
    public static SafeTensorsFile ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var header = ReadHeader(fs, path);
        var records = new List<TensorRecord>(header.Tensors.Count);
        foreach (var e in header.Tensors)
            records.Add(new TensorRecord(e.Name, e.DType, e.Shape, ReadData(fs, e, path)));
        return new SafeTensorsFile(records, header.Metadata, path);
    }

    /// <summary>
    /// Reads and validates only the header, leaving <paramref name="stream"/> at the start of the data buffer, so a
    /// caller can process a large file tensor by tensor. On a seekable stream the offsets are also checked against
    /// the stream's length (truncation, trailing bytes); on a non-seekable one that check happens while reading.
    /// </summary>
    public static SafeTensorsHeader ReadHeader(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? available = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> prefix = stackalloc byte[8];
        if (ReadUpTo(stream, prefix) < 8)
            throw new SafeTensorsFormatException($"the data is shorter than the 8-byte header length prefix", fileName);
        var n = SafeTensorsHeaderParser.ParseLength(prefix, available - 8, fileName);
        var json = new byte[n];
        if (ReadUpTo(stream, json) < n)
            throw new SafeTensorsFormatException($"the stream ended inside the {n}-byte header; the file is truncated", fileName);
        return SafeTensorsHeaderParser.Parse(json, available - 8 - n, fileName);
    }

    /// <summary>Reads only the header of a file (see <see cref="ReadHeader(Stream, string?)"/>).</summary>
    public static SafeTensorsHeader ReadHeaderFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        return ReadHeader(fs, path);
    }

    /// <summary>
    /// Streams the tensors of a safetensors stream in file order, one array per tensor, never holding more than one
    /// tensor's data; works on non-seekable streams (network, decompression). Trailing bytes are reported at the end.
    /// </summary>
    public static IEnumerable<TensorRecord> EnumerateTensors(Stream stream, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Iterate(stream, fileName);

        static IEnumerable<TensorRecord> Iterate(Stream stream, string? fileName)
        {
            var header = ReadHeader(stream, fileName);
            foreach (var e in header.Tensors)
                yield return new TensorRecord(e.Name, e.DType, e.Shape, ReadData(stream, e, fileName));
            if (!stream.CanSeek && stream.ReadByte() >= 0)
            {
                var last = header.Tensors.Count == 0 ? null : header.Tensors[^1].Name;
                throw new SafeTensorsFormatException($"trailing garbage after the last tensor (data should end at {header.DataLength})", fileName, last);
            }
        }
    }

    /// <summary>Reads one tensor's bytes from a seekable stream positioned anywhere, given its header.</summary>
    public static byte[] ReadTensorData(Stream stream, SafeTensorsHeader header, SafeTensorsEntry entry, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entry);
        if (!stream.CanSeek) throw new NotSupportedException("ReadTensorData needs a seekable stream; use EnumerateTensors for a forward-only stream.");
        stream.Seek(header.DataOffset + entry.Begin, SeekOrigin.Begin);
        return ReadData(stream, entry, fileName);
    }

    private static byte[] ReadData(Stream stream, SafeTensorsEntry e, string? fileName)
    {
        if (e.ByteLength > Array.MaxLength)
            throw new SafeTensorsFormatException($"tensor is {e.ByteLength} bytes, larger than one managed array can hold", fileName, e.Name);
        var buffer = GC.AllocateUninitializedArray<byte>((int)e.ByteLength);
        var got = ReadUpTo(stream, buffer);
        if (got < buffer.Length)
            throw new SafeTensorsFormatException($"data is truncated: got {got} of {buffer.Length} bytes (data_offsets [{e.Begin}, {e.End}])", fileName, e.Name);
        return buffer;
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer) => stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
}
