using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Reads the current global adapter as float32 and writes new values back in each tensor's own dtype.</summary>
internal static class GlobalTensors
{
    /// <summary>The global value of <paramref name="spec"/> as float32.</summary>
    /// <exception cref="InvalidOperationException">The global adapter lacks the tensor or it differs from the trainable set.</exception>
    public static float[] Read(GlobalAdapter global, TrainableTensor spec)
    {
        var g = global.Tensors.FirstOrDefault(t => t.Name == spec.Name);
        if (g is null || g.DType != spec.DType || !spec.HasShape(g.Shape))
            throw new InvalidOperationException($"the global adapter's tensor '{spec.Name}' is missing or differs from the trainable set");
        return g.ToSingles();
    }

    /// <summary><paramref name="values"/> as the tensor <paramref name="spec"/>, rounded to its dtype.</summary>
    public static TensorRecord Write(TrainableTensor spec, ReadOnlySpan<float> values)
    {
        var bytes = new byte[spec.ByteLength];
        FloatCodec.Encode(values, spec.DType, bytes);
        return new TensorRecord(spec.Name, spec.DType, (long[])spec.Shape.Clone(), bytes);
    }
}
