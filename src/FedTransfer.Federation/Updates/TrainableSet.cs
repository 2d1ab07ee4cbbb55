using System.Diagnostics.CodeAnalysis;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// The exact set of tensors a federation trains, sorted by name. It is taken from the initial adapter the central team
/// uploads, and every site update must match it exactly (names, dtypes, shapes).
/// </summary>
public sealed class TrainableSet
{
    private readonly Dictionary<string, int> _index;

    private TrainableSet(TrainableTensor[] tensors)
    {
        Tensors = tensors;
        _index = new Dictionary<string, int>(tensors.Length, StringComparer.Ordinal);
        for (var i = 0; i < tensors.Length; i++) _index.Add(tensors[i].Name, i);
        ParameterCount = tensors.Sum(t => t.NumElements);
        ByteLength = tensors.Sum(t => t.ByteLength);
    }

    /// <summary>The tensors, sorted by name (ordinal).</summary>
    public IReadOnlyList<TrainableTensor> Tensors { get; }

    /// <summary>Total number of elements.</summary>
    public long ParameterCount { get; }

    /// <summary>Total data bytes in the tensors' own dtypes.</summary>
    public long ByteLength { get; }

    /// <summary>Number of tensors.</summary>
    public int Count => Tensors.Count;

    /// <summary>Position of <paramref name="name"/> in <see cref="Tensors"/>.</summary>
    public bool TryGetIndex(string name, out int index) => _index.TryGetValue(name, out index);

    /// <summary>The tensor named <paramref name="name"/>, if it is in the set.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out TrainableTensor tensor)
    {
        tensor = _index.TryGetValue(name, out var i) ? Tensors[i] : null;
        return tensor is not null;
    }

    /// <summary>Builds the set from tensor descriptions.</summary>
    /// <exception cref="ArgumentException">Empty set, duplicate or empty name, a dtype FedAvg cannot average, or a negative dimension.</exception>
    public static TrainableSet Create(IEnumerable<TrainableTensor> tensors)
    {
        var sorted = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("the trainable set is empty: the initial adapter must hold at least one tensor");
        for (var i = 0; i < sorted.Length; i++)
        {
            var t = sorted[i];
            if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("a trainable tensor has an empty name");
            if (i > 0 && sorted[i - 1].Name == t.Name) throw new ArgumentException($"tensor '{t.Name}' appears twice in the trainable set");
            if (!FloatCodec.IsSupported(t.DType))
                throw new ArgumentException($"tensor '{t.Name}' has dtype {t.DType.ToSafeTensorsName()}; trainable tensors must be F32, F16 or BF16");
            if (t.Shape.Any(d => d < 0)) throw new ArgumentException($"tensor '{t.Name}' has a negative dimension in {t.ShapeText}");
        }
        return new TrainableSet(sorted);
    }

    /// <summary>The trainable set described by a safetensors header (the initial adapter's).</summary>
    public static TrainableSet FromHeader(SafeTensorsHeader header) =>
        Create(header.Tensors.Select(e => new TrainableTensor(e.Name, e.DType, e.Shape)));

    /// <summary>The trainable set described by tensor records.</summary>
    public static TrainableSet FromRecords(IEnumerable<TensorRecord> records) =>
        Create(records.Select(r => new TrainableTensor(r.Name, r.DType, r.Shape)));
}
