using System.Buffers;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Combines a round's site results, all known at once, into the next global adapter or a failure reason.</summary>
internal delegate (IReadOnlyList<TensorRecord>? NewGlobal, string? Failure) RobustStep(IReadOnlyList<SiteTrainResult> results);

/// <summary>
/// The train accumulator of the robust aggregators, which need every update before deciding anything. It keeps the
/// results (their <see cref="SiteTrainResult.OpenDelta"/>, which the coordinator backs by the stored payload file), not
/// their tensors: <see cref="Add"/> only checks the header, and the step re-reads the deltas one tensor at a time.
/// </summary>
internal sealed class BufferedResults(int round, GlobalAdapter global, bool acceptFailures, RobustStep step) : ITrainAccumulator
{
    private readonly UpdateValidator _validator = new(global.Trainable);
    private readonly List<SiteTrainResult> _results = [];
    private bool _completed;

    public int Count => _results.Count;

    public void Add(SiteTrainResult result)
    {
        if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
        using (var delta = result.OpenDelta())
        {
            var structure = _validator.CheckStructure(SafeTensors.ReadHeader(delta, $"site {result.SiteId}").Tensors);
            if (!structure.IsValid)
                throw new InvalidOperationException($"delta from site {result.SiteId} was not validated before aggregation: {structure.Reason}");
        }
        _results.Add(result);
    }

    public TrainAggregation Complete(IReadOnlyList<SiteFailure> failures)
    {
        if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
        _completed = true;
        var refusal = RoundAcceptance.Check(round, failures, _results.Count, acceptFailures);
        if (refusal is not null) return TrainAggregation.Failure(refusal);
        var (next, failure) = step(_results);
        if (next is null) return TrainAggregation.Failure($"round {round}: {failure}");
        return TrainAggregation.Success(next, MetricAverager.WeightedMeans(_results.Select(r => (r.ExampleCount, r.Metrics))), _results.Count);
    }
}

/// <summary>Reads one tensor of a site's delta as float32, skipping (seeking past, when it can) the tensors before it.</summary>
internal static class DeltaTensorReader
{
    /// <summary>The values of <paramref name="spec"/> in <paramref name="result"/>'s delta, decoded to float32.</summary>
    /// <exception cref="InvalidOperationException">The delta lacks the tensor (it was not validated).</exception>
    /// <exception cref="SafeTensorsFormatException">The delta is truncated.</exception>
    public static float[] Read(SiteTrainResult result, TrainableTensor spec)
    {
        using var stream = result.OpenDelta();
        var source = $"site {result.SiteId}";
        var header = SafeTensors.ReadHeader(stream, source);
        var entry = header.Tensors.FirstOrDefault(e => e.Name == spec.Name)
            ?? throw new InvalidOperationException($"delta from {source} has no tensor '{spec.Name}'");
        SkipForward(stream, entry.Begin, source, entry.Name);
        var bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, entry.ByteLength));
        try
        {
            var span = bytes.AsSpan(0, (int)entry.ByteLength);
            if (stream.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) < span.Length)
                throw new SafeTensorsFormatException("data is truncated", source, entry.Name);
            var values = new float[spec.NumElements];
            FloatCodec.AccumulateScaled(span, entry.DType, 1f, values);
            return values;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private static void SkipForward(Stream stream, long count, string source, string tensor)
    {
        if (count <= 0) return;
        if (stream.CanSeek)
        {
            stream.Seek(count, SeekOrigin.Current);
            return;
        }
        var scratch = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (count > 0)
            {
                var n = stream.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (n == 0) throw new SafeTensorsFormatException("data is truncated before the tensor starts", source, tensor);
                count -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>Tensor <paramref name="spec"/> of every result, in result order: n × the tensor's elements of memory.</summary>
    public static float[][] ReadAll(IReadOnlyList<SiteTrainResult> results, TrainableTensor spec) =>
        results.Select(r => Read(r, spec)).ToArray();
}
