using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>Float32 tensors of small deterministic values (fixed seed), for artifacts the wire tests move.</summary>
internal static class TestTensors
{
    public static TensorRecord Random(string name, int seed, params long[] shape)
    {
        var random = new Random(seed);
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() - 0.5) * 0.1f;
        return TensorRecord.FromSingles(name, values, DType.Float32, shape);
    }
}
