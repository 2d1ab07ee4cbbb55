using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>Builds trainable sets and seeded random tensors/deltas as safetensors for tests.</summary>
internal static class Deltas
{
    public static TrainableSet Set(params (string Name, DType DType, long[] Shape)[] tensors) =>
        TrainableSet.Create(tensors.Select(t => new TrainableTensor(t.Name, t.DType, t.Shape)));

    /// <summary>A small trainable set with odd sizes (not multiples of any vector width) and mixed dtypes.</summary>
    public static TrainableSet Mixed() => Set(
        ("blocks.0.attn.qkv.lora_a", DType.Float32, [3, 37]),
        ("blocks.0.attn.qkv.lora_b", DType.BFloat16, [41, 3]),
        ("head.bias", DType.Float16, [5]),
        ("head.weight", DType.Float32, [5, 67]));

    /// <summary>Random values in [-scale, scale) for every tensor of the set, in the set's dtypes (rounded).</summary>
    public static IReadOnlyList<TensorRecord> Random(TrainableSet set, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return set.Tensors.Select(t =>
        {
            var values = new float[t.NumElements];
            for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return TensorRecord.FromSingles(t.Name, values, t.DType, t.Shape);
        }).ToArray();
    }

    public static byte[] Bytes(IEnumerable<TensorRecord> tensors) => SafeTensors.Serialize(tensors);

    /// <summary>A copy of <paramref name="tensors"/> where tensor <paramref name="name"/> has element <paramref name="index"/> set to <paramref name="value"/>.</summary>
    public static IReadOnlyList<TensorRecord> WithValue(IReadOnlyList<TensorRecord> tensors, string name, int index, float value) =>
        tensors.Select(t =>
        {
            if (t.Name != name) return t;
            var values = t.ToSingles();
            values[index] = value;
            return TensorRecord.FromSingles(t.Name, values, t.DType, t.Shape);
        }).ToArray();

    /// <summary>A stream that cannot seek, like a network stream.</summary>
    public static Stream ForwardOnly(byte[] bytes) => new ForwardOnlyStream(bytes);

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public override bool CanSeek => false;
        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
        public override long Length => throw new NotSupportedException();
        public override long Position { get => base.Position; set => throw new NotSupportedException(); }
    }
}
