using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Server-side optimiser state as float32 tensors named "<c>{slot}/{tensor name}</c>" (e.g. <c>m/head.weight</c>), one
/// slot per state vector, so the coordinator can store it as a safetensors artifact next to the global adapter.
/// </summary>
internal static class ServerStateTensors
{
    /// <summary>
    /// A writable float32 copy of slot <paramref name="slot"/> for <paramref name="spec"/>, or <paramref name="initial"/>
    /// everywhere when the state has no such tensor (first round).
    /// </summary>
    /// <exception cref="InvalidOperationException">The stored tensor's dtype or shape differs from the trainable tensor.</exception>
    public static float[] Read(IReadOnlyList<TensorRecord> state, string slot, TrainableTensor spec, float initial)
    {
        var name = Name(slot, spec.Name);
        var stored = state.FirstOrDefault(t => t.Name == name);
        if (stored is null)
        {
            var fresh = new float[spec.NumElements];
            Array.Fill(fresh, initial);
            return fresh;
        }
        if (stored.DType != DType.Float32 || !spec.HasShape(stored.Shape))
            throw new InvalidOperationException($"server state tensor '{name}' is {stored.DType} {stored.ShapeText}, expected F32 {spec.ShapeText}; the stored state does not belong to this run's adapter");
        return stored.ToSingles();
    }

    /// <summary>The state tensor of slot <paramref name="slot"/> for <paramref name="spec"/>.</summary>
    public static TensorRecord Write(string slot, TrainableTensor spec, float[] values) =>
        TensorRecord.FromSingles(Name(slot, spec.Name), values, DType.Float32, (long[])spec.Shape.Clone());

    private static string Name(string slot, string tensor) => slot + "/" + tensor;
}
