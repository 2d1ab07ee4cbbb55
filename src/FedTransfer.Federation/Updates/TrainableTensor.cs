using FedTransfer.Weights;

namespace FedTransfer.Federation.Updates;

/// <summary>One tensor of a federation's trainable set (adapters + head): its name, element type and shape.</summary>
/// <param name="Name">PyTorch state_dict dotted name.</param>
/// <param name="DType">Element type; F32, F16 or BF16 (the types FedAvg can average).</param>
/// <param name="Shape">Dimensions, outermost first.</param>
public sealed record TrainableTensor(string Name, DType DType, long[] Shape)
{
    /// <summary>Number of elements (1 for a scalar).</summary>
    public long NumElements
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public long ByteLength => checked(NumElements * DType.ElementSize());

    /// <summary>Shape as text, e.g. "[8, 192]", for messages.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>True when <paramref name="shape"/> has exactly these dimensions.</summary>
    public bool HasShape(IReadOnlyList<long> shape)
    {
        if (shape.Count != Shape.Length) return false;
        for (var i = 0; i < Shape.Length; i++)
        {
            if (shape[i] != Shape[i]) return false;
        }
        return true;
    }

    /// <summary>Value equality that compares shapes element-wise (records compare arrays by reference).</summary>
    public bool SameAs(TrainableTensor other) => Name == other.Name && DType == other.DType && HasShape(other.Shape);
}
