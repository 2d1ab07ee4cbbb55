using System.Buffers.Binary;
using System.Text;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

/// <summary>Builds safetensors bytes by hand so tests can produce files our writer never would.</summary>
internal static class SafeTensorsTestFiles
{
    /// <summary>8-byte length + <paramref name="json"/> + <paramref name="data"/>; <paramref name="declaredLength"/> overrides the prefix.</summary>
    public static byte[] Raw(string json, byte[]? data = null, ulong? declaredLength = null)
    {
        var header = Encoding.UTF8.GetBytes(json);
        data ??= [];
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>A small valid file: "a" F32 [2] then "b" I64 [1].</summary>
    public static byte[] TwoTensors() => SafeTensors.Serialize(
    [
        TensorRecord.Create<float>("a", [1f, 2f], 2),
        TensorRecord.Create<long>("b", [7L], 1),
    ]);

    public static SafeTensorsFormatException ReadFails(byte[] bytes, string? fileName = "t.safetensors") =>
        Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Read(bytes, fileName));
}
