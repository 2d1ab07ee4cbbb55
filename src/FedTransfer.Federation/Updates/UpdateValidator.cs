using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// Checks a site update before it may touch the global adapter: a positive example count, exactly the trainable set's
/// tensor names and shapes in the dtype the run's <see cref="DeltaEncoding"/> puts on the wire (and nothing else), only
/// finite values, and for int8 exactly the scale / zero point metadata of every tensor. Every rejection is one line saying
/// what and which tensor.
/// </summary>
public sealed class UpdateValidator
{
    private readonly SafeTensorsSchema _schema;
    private readonly DeltaEncoding _encoding;

    /// <summary>Creates a validator for float32 (as-trained) updates of <paramref name="trainable"/>.</summary>
    public UpdateValidator(TrainableSet trainable)
        : this(trainable, DeltaEncoding.Float32)
    {
    }

    /// <summary>Creates a validator for updates of <paramref name="trainable"/> encoded as <paramref name="encoding"/>.</summary>
    public UpdateValidator(TrainableSet trainable, DeltaEncoding encoding)
    {
        if (!DeltaEncodings.IsDefined(encoding)) throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"unknown update encoding {(int)encoding}");
        _encoding = encoding;
        _schema = new SafeTensorsSchema(trainable.Tensors.Select(t => new TensorSpec(t.Name, encoding.WireDType(t.DType), t.Shape)));
    }

    /// <summary>The encoding this validator accepts.</summary>
    public DeltaEncoding Encoding => _encoding;

    /// <summary>The aggregation weight must be a positive number of examples.</summary>
    public static UpdateCheck CheckExampleCount(long exampleCount) => exampleCount > 0
        ? UpdateCheck.Valid
        : UpdateCheck.Reject($"example count must be greater than 0, got {exampleCount}");

    /// <summary>Compares a header's tensor list with the trainable set: missing, unexpected, wrong dtype or wrong shape.</summary>
    public UpdateCheck CheckStructure(IReadOnlyList<SafeTensorsEntry> entries) => CheckStructure(entries.Select(TensorSpec.Of));

    private UpdateCheck CheckStructure(IEnumerable<TensorSpec> tensors)
    {
        var violations = _schema.Check(tensors);
        if (violations.Count == 0) return UpdateCheck.Valid;
        // A renamed tensor shows up as one missing and one unexpected name: saying both makes the mistake obvious.
        var shown = string.Join("; ", violations.Take(3).Select(v => v.Message));
        var more = violations.Count > 3 ? $"; and {violations.Count - 3} more problem(s)" : "";
        return UpdateCheck.Reject(shown + more, violations[0].TensorName);
    }

    /// <summary>
    /// Metadata is free text that could carry anything: the float encodings allow none, and the int8 encoding exactly its
    /// scale and zero point keys for every tensor. The site runs this before sending and the coordinator again on arrival.
    /// </summary>
    public UpdateCheck CheckMetadata(IReadOnlyDictionary<string, string> metadata, IEnumerable<string> tensors)
    {
        if (_encoding != DeltaEncoding.AffineInt8)
            return metadata.Count == 0 ? UpdateCheck.Valid
                : UpdateCheck.Reject($"the update carries metadata ({string.Join(", ", metadata.Keys.Order(StringComparer.Ordinal).Take(3).Select(ReasonText.Shorten))}); " +
                                     "a delta may hold tensors only");
        var (_, error) = AffineInt8.ReadMetadata(metadata, tensors);
        return error is null ? UpdateCheck.Valid : UpdateCheck.Reject(error);
    }

    /// <summary>Every value of one tensor must be finite (quantised integers always are).</summary>
    public static UpdateCheck CheckFinite(string name, DType dtype, ReadOnlySpan<byte> data)
    {
        if (!dtype.IsFloatingPoint()) return UpdateCheck.Valid;
        var index = FloatCodec.FirstNonFinite(data, dtype, out var isNaN);
        if (index < 0) return UpdateCheck.Valid;
        var what = isNaN ? "NaN" : (FloatCodec.Decode(data, dtype, index) > 0 ? "+Infinity" : "-Infinity");
        return UpdateCheck.Reject($"tensor '{name}' element {index} is {what}: update values must be finite", name);
    }

    /// <summary>
    /// Validates an update held as records (in memory). Records from <see cref="SafeTensors.Read(byte[], string?)"/>
    /// are already well-formed safetensors.
    /// </summary>
    public UpdateCheck Validate(IReadOnlyList<TensorRecord> tensors, long exampleCount, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var check = CheckExampleCount(exampleCount);
        if (!check.IsValid) return check;
        check = CheckStructure(tensors.Select(TensorSpec.Of));
        if (!check.IsValid) return check;
        check = CheckMetadata(metadata ?? new Dictionary<string, string>(), tensors.Select(t => t.Name));
        if (!check.IsValid) return check;
        foreach (var t in tensors)
        {
            check = CheckFinite(t.Name, t.DType, t.Data.Span);
            if (!check.IsValid) return check;
        }
        return UpdateCheck.Valid;
    }

    /// <summary>
    /// Validates a safetensors update read from <paramref name="payload"/> (from its current position), one tensor at a
    /// time, so memory stays at one tensor whatever the update's size. A malformed file is a rejection, not an exception.
    /// </summary>
    public UpdateCheck Validate(Stream payload, long exampleCount, string? fileName = null)
    {
        var check = CheckExampleCount(exampleCount);
        if (!check.IsValid) return check;
        try
        {
            var header = SafeTensors.ReadHeader(payload, fileName);
            check = CheckStructure(header.Tensors);
            if (!check.IsValid) return check;
            check = CheckMetadata(header.Metadata, header.Tensors.Select(t => t.Name));
            if (!check.IsValid) return check;
            return CheckAllFinite(payload, header, fileName);
        }
        catch (SafeTensorsFormatException e)
        {
            return UpdateCheck.Reject($"the payload is not valid safetensors: {e.Message}");
        }
    }

    /// <summary>
    /// Every value of every tensor after <paramref name="header"/> in <paramref name="payload"/> must be finite, read one
    /// tensor at a time (a backbone of any size stays at one tensor in memory); the first NaN or infinity is named.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The tensor data is cut short or malformed.</exception>
    public static UpdateCheck CheckAllFinite(Stream payload, SafeTensorsHeader header, string? fileName = null)
    {
        var verdict = UpdateCheck.Valid;
        TensorStreamReader.ForEach(payload, header, (entry, data) =>
        {
            verdict = CheckFinite(entry.Name, entry.DType, data);
            return verdict.IsValid;
        }, fileName);
        return verdict;
    }
}
