using System.Buffers.Binary;
using System.Text.Json;

namespace FedTransfer.Weights.Serialization;

/// <summary>
/// Parses and validates a safetensors JSON header. Every number is checked before anything trusts it, so a hostile or
/// corrupt file yields a <see cref="SafeTensorsFormatException"/> and never an out-of-range read.
/// </summary>
internal static class SafeTensorsHeaderParser
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we, so that a corrupt length prefix
    /// cannot make us allocate gigabytes.</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    /// <summary>Reads and checks the 8-byte little-endian length prefix.</summary>
    /// <param name="prefix">The first 8 bytes.</param>
    /// <param name="available">Bytes available after the prefix, when known.</param>
    /// <param name="fileName">For error messages.</param>
    public static long ParseLength(ReadOnlySpan<byte> prefix, long? available, string? fileName)
    {
        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
        {
            var size = available is { } a ? $" (the file has {a + 8} bytes)" : "";
            throw new SafeTensorsFormatException($"header length {n} exceeds the {MaxHeaderLength}-byte limit{size}; this is not a safetensors file or its first 8 bytes are corrupt", fileName);
        }
        if (available is { } avail && (long)n > avail)
            throw new SafeTensorsFormatException($"header length {n} is larger than the file ({avail + 8} bytes); the file is truncated or not safetensors", fileName);
        if (n < 2)
            throw new SafeTensorsFormatException($"header length {n} is too small to hold a JSON object", fileName);
        return (long)n;
    }

    /// <summary>Parses the header JSON and validates every entry.</summary>
    /// <param name="json">The N header bytes.</param>
    /// <param name="dataLength">Length of the data buffer after the header, when known (null for a non-seekable stream:
    /// the caller then checks the length while reading).</param>
    /// <param name="fileName">For error messages.</param>
    public static SafeTensorsHeader Parse(ReadOnlySpan<byte> json, long? dataLength, string? fileName)
    {
        if (json[0] != (byte)'{')
            throw new SafeTensorsFormatException($"header must start with '{{' but starts with byte 0x{json[0]:X2}; this is not a safetensors file", fileName);

        var (entries, metadata) = ParseJson(json, fileName);
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        CheckLayout(entries, dataLength, fileName);
        return new SafeTensorsHeader(entries, metadata, json.Length);
    }

    private static (List<SafeTensorsEntry>, Dictionary<string, string>) ParseJson(ReadOnlySpan<byte> json, string? fileName)
    {
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        string? current = null;
        try
        {
            reader.Read(); // StartObject, checked above.
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                current = reader.GetString()!;
                if (!seen.Add(current)) throw new SafeTensorsFormatException("name appears twice in the header", fileName, current);
                reader.Read();
                if (current == "__metadata__")
                {
                    ReadMetadata(ref reader, metadata, fileName);
                }
                else
                {
                    if (current.Length == 0) throw new SafeTensorsFormatException("a tensor has an empty name", fileName);
                    entries.Add(ReadEntry(ref reader, current, fileName));
                }
                current = null;
            }
            if (reader.Read())
                throw new SafeTensorsFormatException($"unexpected content after the header's JSON object at header byte {reader.TokenStartIndex}", fileName);
        }
        catch (JsonException e)
        {
            var where = current is null ? "" : " while reading this tensor's entry";
            throw new SafeTensorsFormatException($"header is not valid JSON{where}: {e.Message}", fileName, current, e);
        }
        catch (InvalidOperationException e)
        {
            throw new SafeTensorsFormatException($"header has an unexpected JSON structure: {e.Message}", fileName, current, e);
        }
        return (entries, metadata);
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, Dictionary<string, string> metadata, string? fileName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafeTensorsFormatException($"__metadata__ must be an object of strings, found {reader.TokenType}", fileName);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new SafeTensorsFormatException($"__metadata__ value of '{key}' must be a string, found {reader.TokenType}", fileName);
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new SafeTensorsFormatException($"__metadata__ key '{key}' appears twice", fileName);
        }
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string name, string? fileName)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new SafeTensorsFormatException($"entry must be an object with dtype, shape and data_offsets, found {reader.TokenType}", fileName, name);
        string? dtypeName = null;
        List<long>? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            switch (key)
            {
                case "dtype" when dtypeName is null:
                    if (reader.TokenType != JsonTokenType.String)
                        throw new SafeTensorsFormatException($"dtype must be a string, found {reader.TokenType}", fileName, name);
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, "shape", name, fileName);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, "data_offsets", name, fileName);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw new SafeTensorsFormatException($"key '{key}' appears twice in the entry", fileName, name);
                default:
                    throw new SafeTensorsFormatException($"unknown key '{key}' in the entry (expected dtype, shape, data_offsets)", fileName, name);
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
        {
            var missing = dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new SafeTensorsFormatException($"entry has no '{missing}'", fileName, name);
        }
        if (!DTypeInfo.TryParseSafeTensorsName(dtypeName, out var dtype))
            throw new SafeTensorsFormatException($"unknown or unsupported dtype '{dtypeName}' (supported: BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64)", fileName, name);
        for (var i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0) throw new SafeTensorsFormatException($"shape {TensorShape.Format(shape)} has a negative dimension at index {i}", fileName, name);
        }
        if (offsets.Count != 2)
            throw new SafeTensorsFormatException($"data_offsets must be [begin, end], found {offsets.Count} numbers", fileName, name);
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin)
            throw new SafeTensorsFormatException($"data_offsets [{begin}, {end}] are out of order or negative", fileName, name);
        var expected = TensorShape.TryByteLength(dtype, shape)
            ?? throw new SafeTensorsFormatException($"shape {TensorShape.Format(shape)} is too large", fileName, name);
        if (end - begin != expected)
            throw new SafeTensorsFormatException($"data_offsets [{begin}, {end}] span {end - begin} bytes but {dtypeName} {TensorShape.Format(shape)} needs {expected}", fileName, name);
        return new SafeTensorsEntry(name, dtype, shape.ToArray(), begin, end);
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string key, string name, string? fileName)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new SafeTensorsFormatException($"{key} must be an array of integers, found {reader.TokenType}", fileName, name);
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var v))
                throw new SafeTensorsFormatException($"{key} must hold integers only, found {reader.TokenType} '{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}'", fileName, name);
            values.Add(v);
        }
        return values;
    }

    /// <summary>The data buffer must be covered exactly: no overlaps (two tensors sharing bytes), no holes (room for a
    /// second, hidden payload) and nothing after the last tensor — the same rule as the reference implementation.</summary>
    private static void CheckLayout(List<SafeTensorsEntry> entries, long? dataLength, string? fileName)
    {
        long cursor = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < cursor)
                throw new SafeTensorsFormatException($"data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]", fileName, e.Name);
            if (e.Begin > cursor)
                throw new SafeTensorsFormatException($"data_offsets [{e.Begin}, {e.End}] leave a gap of {e.Begin - cursor} bytes after byte {cursor} of the data buffer", fileName, e.Name);
            if (dataLength is { } len && e.End > len)
                throw new SafeTensorsFormatException($"data_offsets [{e.Begin}, {e.End}] are out of range: the data buffer has only {len} bytes; the file is truncated", fileName, e.Name);
            cursor = e.End;
            previous = e;
        }
        if (dataLength is { } total && total > cursor)
        {
            var last = previous is null ? "the header" : $"tensor '{previous.Name}'";
            throw new SafeTensorsFormatException($"{total - cursor} bytes of trailing garbage after {last} (data ends at {cursor}, buffer has {total})", fileName, previous?.Name);
        }
    }
}
