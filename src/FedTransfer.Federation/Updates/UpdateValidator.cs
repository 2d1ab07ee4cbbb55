using FedTransfer.Torch;
using FedTransfer.Torch.Serialization;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// Checks a site update before it may touch the global adapter: a positive example count, exactly the trainable set's
/// tensor names, dtypes and shapes, and only finite values. Every rejection is one line saying what and which tensor.
/// </summary>
public sealed class UpdateValidator
{
    private readonly TrainableSet _trainable;

    /// <summary>Creates a validator for updates of <paramref name="trainable"/>.</summary>
    public UpdateValidator(TrainableSet trainable) => _trainable = trainable;

    /// <summary>The aggregation weight must be a positive number of examples.</summary>
    public static UpdateCheck CheckExampleCount(long exampleCount) => exampleCount > 0
        ? UpdateCheck.Valid
        : UpdateCheck.Reject($"example count must be greater than 0, got {exampleCount}");

    /// <summary>Compares a header's tensor list with the trainable set: missing, unexpected, wrong dtype or wrong shape.</summary>
    public UpdateCheck CheckStructure(IReadOnlyList<SafeTensorsEntry> entries) =>
        CheckStructure(entries.Select(e => (e.Name, e.DType, (IReadOnlyList<long>)e.Shape)));

    private UpdateCheck CheckStructure(IEnumerable<(string Name, DType DType, IReadOnlyList<long> Shape)> tensors)
    {
        var seen = new bool[_trainable.Count];
        var count = 0;
        foreach (var (name, dtype, shape) in tensors)
        {
            count++;
            if (!_trainable.TryGetIndex(name, out var index))
                return UpdateCheck.Reject($"unexpected tensor '{name}': it is not in the trainable set ({_trainable.Count} tensors)", name);
            var expected = _trainable.Tensors[index];
            if (dtype != expected.DType)
                return UpdateCheck.Reject($"tensor '{name}' has dtype {Describe(dtype)}, expected {Describe(expected.DType)}", name);
            if (!expected.HasShape(shape))
                return UpdateCheck.Reject($"tensor '{name}' has shape [{string.Join(", ", shape)}], expected {expected.ShapeText}", name);
            seen[index] = true;
        }
        var missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            var name = _trainable.Tensors[missing].Name;
            var absent = seen.Count(s => !s);
            return UpdateCheck.Reject($"tensor '{name}' is missing ({absent} of {_trainable.Count} trainable tensors absent, {count} sent)", name);
        }
        return UpdateCheck.Valid;
    }

    /// <summary>Every value of one tensor must be finite.</summary>
    public static UpdateCheck CheckFinite(string name, DType dtype, ReadOnlySpan<byte> data)
    {
        var index = FloatCodec.FirstNonFinite(data, dtype, out var isNaN);
        if (index < 0) return UpdateCheck.Valid;
        var what = isNaN ? "NaN" : (FloatCodec.Decode(data, dtype, index) > 0 ? "+Infinity" : "-Infinity");
        return UpdateCheck.Reject($"tensor '{name}' element {index} is {what}: update values must be finite", name);
    }

    /// <summary>
    /// Validates an update held as records (in memory). Records from <see cref="SafeTensors.Read(byte[], string?)"/>
    /// are already well-formed safetensors.
    /// </summary>
    public UpdateCheck Validate(IReadOnlyList<TensorRecord> tensors, long exampleCount)
    {
        var check = CheckExampleCount(exampleCount);
        if (!check.IsValid) return check;
        check = CheckStructure(tensors.Select(t => (t.Name, t.DType, (IReadOnlyList<long>)t.Shape)));
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
            var verdict = UpdateCheck.Valid;
            TensorStreamReader.ForEach(payload, header, (entry, data) =>
            {
                verdict = CheckFinite(entry.Name, entry.DType, data);
                return verdict.IsValid;
            }, fileName);
            return verdict;
        }
        catch (SafeTensorsFormatException e)
        {
            return UpdateCheck.Reject($"the payload is not valid safetensors: {e.Message}");
        }
    }

    private static string Describe(DType dtype)
    {
        try
        {
            return dtype.ToSafeTensorsName();
        }
        catch (ArgumentOutOfRangeException)
        {
            return $"code {(int)dtype}";
        }
    }
}
