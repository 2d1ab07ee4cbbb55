using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FedTransfer.Weights.Serialization;

/// <summary>
/// Lays out a safetensors file: tensors sorted by name (ordinal) so the same tensors always give the same bytes,
/// contiguous data, header padded with spaces so the data buffer starts 8-byte aligned.
/// </summary>
internal sealed class SafeTensorsWriter
{
    private SafeTensorsWriter(TensorRecord[] tensors, byte[] header)
    {
        Tensors = tensors;
        Header = header;
    }

    /// <summary>Tensors in the order their data is written.</summary>
    public TensorRecord[] Tensors { get; }

    /// <summary>Length prefix plus padded JSON header.</summary>
    public byte[] Header { get; }

    public long TotalLength => Header.Length + Tensors.Sum(t => (long)t.Data.Length);

    /// <summary>Validates the records and builds the header.</summary>
    /// <exception cref="ArgumentException">A record is invalid; the message names it.</exception>
    public static SafeTensorsWriter Plan(IEnumerable<TensorRecord> records, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(records);
        var tensors = records.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            Validate(t);
            if (!names.Add(t.Name)) throw new ArgumentException($"Tensor '{t.Name}' appears twice; safetensors names must be unique.", nameof(records));
        }
        Array.Sort(tensors, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SafeTensorsWriter(tensors, BuildHeader(tensors, metadata));
    }

    /// <summary>Writes the whole file into <paramref name="destination"/>, which must be <see cref="TotalLength"/> long.</summary>
    public void CopyTo(Span<byte> destination)
    {
        Header.CopyTo(destination);
        var at = Header.Length;
        foreach (var t in Tensors)
        {
            t.Data.Span.CopyTo(destination[at..]);
            at += t.Data.Length;
        }
    }

    public void WriteTo(Stream stream)
    {
        stream.Write(Header);
        foreach (var t in Tensors) stream.Write(t.Data.Span);
    }

    public async Task WriteToAsync(Stream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(Header, cancellationToken).ConfigureAwait(false);
        foreach (var t in Tensors) await stream.WriteAsync(t.Data, cancellationToken).ConfigureAwait(false);
    }

    private static void Validate(TensorRecord t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("A tensor has a null or empty name.");
        if (t.Name == "__metadata__") throw new ArgumentException("A tensor may not be named '__metadata__': that key holds the file's metadata.");
        if (!Enum.IsDefined(t.DType)) throw new ArgumentException($"Tensor '{t.Name}' has unknown dtype code {(int)t.DType}.");
        if (t.Shape is null) throw new ArgumentException($"Tensor '{t.Name}' has a null shape; use an empty array for a scalar.");
        var expected = TensorShape.TryByteLength(t.DType, t.Shape)
            ?? throw new ArgumentException($"Tensor '{t.Name}' has an invalid shape {TensorShape.Format(t.Shape)} (negative or too large).");
        if (t.Data.Length != expected)
            throw new ArgumentException($"Tensor '{t.Name}' holds {t.Data.Length} bytes but {t.DType.ToSafeTensorsName()} {TensorShape.Format(t.Shape)} needs {expected}.");
    }

    private static byte[] BuildHeader(TensorRecord[] tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps names readable (e.g. '+' stays '+'); the output is still valid JSON for any reader.
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    ArgumentNullException.ThrowIfNull(v, $"metadata['{k}']");
                    w.WriteString(k, v);
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", t.DType.ToSafeTensorsName());
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }
            w.WriteEndObject();
        }
        var padded = (json.WrittenCount + 7) / 8 * 8;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        json.WrittenSpan.CopyTo(header.AsSpan(8));
        header.AsSpan(8 + json.WrittenCount).Fill((byte)' ');
        return header;
    }
}
