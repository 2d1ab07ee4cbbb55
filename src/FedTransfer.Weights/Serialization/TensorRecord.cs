namespace FedTransfer.Weights.Serialization;

/// <summary>
/// One named tensor as safetensors stores it: dtype, shape (row-major) and the raw little-endian element bytes.
/// Records read from a byte array share that array; nothing is copied.
/// </summary>
/// <param name="Name">The tensor's name, by convention a PyTorch state_dict dotted name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Data">Element bytes, little-endian, C order; length = product(Shape) × element size.</param>
public sealed partial record TensorRecord(string Name, DType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long NumElements => TensorShape.CountElements(Shape);

    /// <summary>Shape as text, e.g. "[3, 4]", for messages.</summary>
    public string ShapeText => TensorShape.Format(Shape);
}
