using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// The streaming core of FedAvg: a float32 running sum Σ wᵢ·δᵢ over site deltas read one tensor at a time, plus Σ wᵢ.
/// Memory is one float32 copy of the trainable set (plus one tensor of read buffer) however many sites contribute.
/// F32, F16 and BF16 deltas are decoded to float32 on the fly.
/// </summary>
internal sealed class WeightedDeltaAccumulator
{
    private readonly TrainableSet _trainable;
    private readonly UpdateValidator _validator;
    private readonly float[][] _sums;
    private double _totalWeight;
    private bool _faulted;

    public WeightedDeltaAccumulator(TrainableSet trainable)
    {
        _trainable = trainable;
        _validator = new UpdateValidator(trainable);
        _sums = trainable.Tensors.Select(t => new float[t.NumElements]).ToArray();
    }

    /// <summary>Σ wᵢ of the deltas added.</summary>
    public double TotalWeight => _totalWeight;

    /// <summary>Number of deltas added.</summary>
    public int Count { get; private set; }

    /// <summary>The running sum for tensor <paramref name="index"/> of the trainable set.</summary>
    public ReadOnlySpan<float> Sum(int index) => _sums[index];

    /// <summary>Adds w·δ for a safetensors delta read from <paramref name="delta"/>'s current position.</summary>
    /// <exception cref="InvalidOperationException">The delta's tensors are not exactly the trainable set; the accumulator is then faulted.</exception>
    public void Add(Stream delta, double weight, string source)
    {
        if (_faulted) throw new InvalidOperationException("the accumulator is faulted by an earlier bad delta; rebuild it from the stored updates");
        if (!(weight > 0) || !double.IsFinite(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"weight of {source} must be positive and finite");
        var header = SafeTensors.ReadHeader(delta, source);
        var structure = _validator.CheckStructure(header.Tensors);
        if (!structure.IsValid)
            throw new InvalidOperationException($"delta from {source} was not validated before aggregation: {structure.Reason}");
        // From here on a failure would leave a partial contribution in the sums, so any exception faults the accumulator.
        _faulted = true;
        var w = (float)weight;
        TensorStreamReader.ForEach(delta, header, (entry, data) =>
        {
            _trainable.TryGetIndex(entry.Name, out var index);
            FloatCodec.AccumulateScaled(data, entry.DType, w, _sums[index]);
            return true;
        }, source);
        _faulted = false;
        _totalWeight += weight;
        Count++;
    }

    /// <summary>
    /// global + scale · Σ wᵢδᵢ / Σ wᵢ for every tensor, encoded in the global tensor's dtype. Each sum is released as
    /// soon as its tensor is produced, so the peak stays near one adapter.
    /// </summary>
    public IReadOnlyList<TensorRecord> ApplyMean(IReadOnlyList<TensorRecord> global, double scale)
    {
        if (Count == 0) throw new InvalidOperationException("no deltas were added");
        var byName = global.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var factor = (float)(scale / _totalWeight);
        var result = new TensorRecord[_trainable.Count];
        for (var i = 0; i < _trainable.Count; i++)
        {
            var spec = _trainable.Tensors[i];
            if (!byName.TryGetValue(spec.Name, out var g) || g.DType != spec.DType || !spec.HasShape(g.Shape))
                throw new InvalidOperationException($"the global adapter's tensor '{spec.Name}' is missing or differs from the trainable set");
            var values = _sums[i];
            var current = g.Data.Span;
            for (var k = 0; k < values.Length; k++) values[k] *= factor;
            FloatCodec.AccumulateScaled(current, g.DType, 1f, values);
            var bytes = new byte[spec.ByteLength];
            FloatCodec.Encode(values, spec.DType, bytes);
            result[i] = new TensorRecord(spec.Name, spec.DType, (long[])spec.Shape.Clone(), bytes);
            _sums[i] = [];
        }
        _faulted = true; // the sums are consumed
        return result;
    }
}
