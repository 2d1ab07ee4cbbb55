using System.Runtime.InteropServices;
using FedTransfer.Models.Import.Onnx.Proto;

namespace FedTransfer.Models.Import.Onnx;

/// <summary>The values of an ONNX initializer as float32, from <c>raw_data</c> (little-endian) or the typed fields.</summary>
internal static class OnnxTensors
{
    // TensorProto.DataType values from onnx.proto.
    private const int Float = 1;
    private const int Double = 11;

    /// <summary>The tensor's shape (ONNX <c>dims</c>).</summary>
    public static long[] Shape(this TensorProto tensor) => [.. tensor.Dims];

    /// <summary>The values as float32; <paramref name="node"/> is named when the tensor cannot be read.</summary>
    public static float[] ToFloats(this TensorProto tensor, NodeProto node)
    {
        if (tensor.DataLocation != 0)
            throw node.Error($"initializer '{tensor.Name}' is stored in an external file, which this importer does not read; save the model with its weights inside");
        var count = tensor.Dims.Aggregate(1L, (n, d) => n * d);
        float[] values = tensor.DataType switch
        {
            Float when tensor.RawData.Length > 0 => MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray(),
            Float => [.. tensor.FloatData],
            Double when tensor.RawData.Length > 0 => [.. MemoryMarshal.Cast<byte, double>(tensor.RawData.Span).ToArray().Select(v => (float)v)],
            Double => [.. tensor.DoubleData.Select(v => (float)v)],
            _ => throw node.Error($"initializer '{tensor.Name}' has ONNX data type {tensor.DataType}; only float (1) and double (11) weights are read"),
        };
        if (values.Length != count)
            throw node.Error($"initializer '{tensor.Name}' has {values.Length} values for shape [{string.Join(", ", tensor.Dims)}]; the file is damaged");
        return values;
    }
}
