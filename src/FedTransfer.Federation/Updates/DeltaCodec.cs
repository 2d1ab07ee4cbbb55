using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Updates;

/// <summary>A delta ready to serialise: its tensors in the wire dtype and the safetensors metadata the encoding needs.</summary>
/// <param name="Tensors">One record per trainable tensor, in the encoding's wire dtype.</param>
/// <param name="Metadata">Empty except for int8 (scale and zero point per tensor).</param>
public sealed record EncodedDelta(IReadOnlyList<TensorRecord> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The safetensors bytes that leave the site.</summary>
    public byte[] Serialize() => SafeTensors.Serialize(Tensors, Metadata.Count == 0 ? null : Metadata);
}

/// <summary>
/// The two directions of <see cref="DeltaEncoding"/>: a site encodes its float delta for the wire, the coordinator decodes a
/// validated update back to the trainable set's dtypes before any strategy sees it (strategies only ever read trained dtypes).
/// </summary>
public static class DeltaCodec
{
    /// <summary>Largest finite float16 value; a delta beyond it cannot travel as F16.</summary>
    public const float Float16Max = 65504f;

    /// <summary>Encodes a delta held as F32/F16/BF16 records.</summary>
    /// <exception cref="ArgumentException">A value is not finite, or (float16) beyond ±65504; the message names the tensor and what to do.</exception>
    public static EncodedDelta Encode(IReadOnlyList<TensorRecord> delta, DeltaEncoding encoding)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (encoding == DeltaEncoding.Float32) return new EncodedDelta(delta, new Dictionary<string, string>());
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var encoded = new List<TensorRecord>(delta.Count);
        foreach (var record in delta)
        {
            var values = ToFloats(record);
            var wire = encoding.WireDType(record.DType);
            var bytes = new byte[checked(values.Length * wire.ElementSize())];
            switch (encoding)
            {
                case DeltaEncoding.Float16:
                    CheckFloat16Range(record.Name, values);
                    FloatCodec.Encode(values, DType.Float16, bytes);
                    break;
                case DeltaEncoding.BFloat16:
                    FloatCodec.Encode(values, DType.BFloat16, bytes);
                    break;
                case DeltaEncoding.AffineInt8:
                    var (scale, zeroPoint) = AffineInt8.Quantize(values, bytes);
                    AffineInt8.WriteMetadata(metadata, record.Name, scale, zeroPoint);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"unknown update encoding {(int)encoding}");
            }
            encoded.Add(new TensorRecord(record.Name, wire, (long[])record.Shape.Clone(), bytes));
        }
        return new EncodedDelta(encoded, metadata);
    }

    /// <summary>
    /// Decodes an update (already validated for <paramref name="encoding"/>) read from <paramref name="encoded"/>'s position into
    /// a safetensors stream of the trainable set's dtypes, positioned at 0. Float32 returns <paramref name="encoded"/> itself;
    /// otherwise the decoded update is held in memory (one adapter) and <paramref name="encoded"/> is disposed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The update does not match the trainable set or the encoding (it was not validated).</exception>
    public static Stream OpenDecoded(Stream encoded, DeltaEncoding encoding, TrainableSet trainable, string source)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoding == DeltaEncoding.Float32) return encoded;
        using (encoded)
        {
            var header = SafeTensors.ReadHeader(encoded, source);
            IReadOnlyDictionary<string, (double Scale, int ZeroPoint)>? q8 = null;
            if (encoding == DeltaEncoding.AffineInt8)
            {
                var (parameters, error) = AffineInt8.ReadMetadata(header.Metadata, header.Tensors.Select(t => t.Name));
                q8 = parameters ?? throw new InvalidOperationException($"{source} was not validated before decoding: {error}");
            }
            var records = new List<TensorRecord>(header.Tensors.Count);
            TensorStreamReader.ForEach(encoded, header, (entry, data) =>
            {
                if (!trainable.TryGet(entry.Name, out var spec) || entry.DType != encoding.WireDType(spec.DType) || !spec.HasShape(entry.Shape))
                    throw new InvalidOperationException($"{source} was not validated before decoding: tensor '{entry.Name}' is not {encoding.ToText()} of the trainable set");
                var values = new float[spec.NumElements];
                if (q8 is not null)
                {
                    var (scale, zeroPoint) = q8[entry.Name];
                    AffineInt8.Dequantize(data, scale, zeroPoint, values);
                }
                else
                {
                    FloatCodec.AccumulateScaled(data, entry.DType, 1f, values);
                }
                var bytes = new byte[spec.ByteLength];
                FloatCodec.Encode(values, spec.DType, bytes);
                records.Add(new TensorRecord(entry.Name, spec.DType, (long[])spec.Shape.Clone(), bytes));
                return true;
            }, source);
            return new MemoryStream(SafeTensors.Serialize(records), writable: false);
        }
    }

    /// <summary>The values of an F32/F16/BF16 record as float32.</summary>
    public static float[] ToFloats(TensorRecord record)
    {
        var values = new float[record.NumElements];
        FloatCodec.AccumulateScaled(record.Data.Span, record.DType, 1f, values);
        return values;
    }

    private static void CheckFloat16Range(string name, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"delta tensor '{name}' element {i} is {values[i]}: a delta must be finite");
            if (Math.Abs(values[i]) > Float16Max)
                throw new ArgumentException($"delta tensor '{name}' element {i} is {values[i]}, beyond float16's ±65504; use --update-encoding bfloat16 or float32");
        }
    }
}
