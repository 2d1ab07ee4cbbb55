using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Serialization;

/// <summary>Moves tensors between TorchSharp and safetensors records (the bytes are little-endian, C order in both).</summary>
public static class TensorRecordExtensions
{
    /// <summary>Copies <paramref name="tensor"/> (any device, any layout) into a record called <paramref name="name"/>.</summary>
    public static TensorRecord ToRecord(this Tensor tensor, string name)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var dtype = tensor.dtype.ToDType();
        using var host = tensor.device_type == DeviceType.CPU && tensor.is_contiguous() ? tensor.alias() : tensor.detach().cpu().contiguous();
        return new TensorRecord(name, dtype, tensor.shape, host.bytes.ToArray());
    }

    /// <summary>Creates a CPU tensor holding a copy of the record's data.</summary>
    public static Tensor ToTensor(this TensorRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var tensor = empty(record.Shape, record.DType.ToScalarType());
        record.Data.Span.CopyTo(tensor.bytes);
        return tensor;
    }

    /// <summary>Records for named tensors, e.g. <c>model.NamedTrainableParameters().ToRecords()</c>.</summary>
    public static IEnumerable<TensorRecord> ToRecords<TTensor>(this IEnumerable<(string Name, TTensor Tensor)> tensors) where TTensor : Tensor =>
        tensors.Select(t => t.Tensor.ToRecord(t.Name));

    /// <summary>
    /// Every tensor of a file as CPU tensors keyed by name. The caller owns them (dispose each, or create them inside a
    /// dispose scope).
    /// </summary>
    public static Dictionary<string, Tensor> ToTensors(this SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var record in file.Tensors)
                result.Add(record.Name, record.ToTensor());
        }
        catch
        {
            foreach (var t in result.Values)
                t.Dispose();
            throw;
        }
        return result;
    }
}
