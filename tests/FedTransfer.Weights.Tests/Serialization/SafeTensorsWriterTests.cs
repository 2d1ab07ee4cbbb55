using System.Text;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsWriterTests
{
    [Fact]
    public void Plan_SortsByOrdinalNameAndComputesLength()
    {
        var plan = SafeTensorsWriter.Plan([TensorRecord.Create<byte>("b", [1], 1), TensorRecord.Create<byte>("B", [2, 3], 2)], null);

        Assert.Equal(["B", "b"], plan.Tensors.Select(t => t.Name));
        Assert.Equal(plan.Header.Length + 3, plan.TotalLength);
    }

    [Fact]
    public void Plan_HeaderJsonHasOffsetsAndMetadataFirst()
    {
        var plan = SafeTensorsWriter.Plan([TensorRecord.Create<float>("w", [1f, 2f], 2)], new Dictionary<string, string> { ["format"] = "pt" });

        var json = Encoding.UTF8.GetString(plan.Header, 8, plan.Header.Length - 8).TrimEnd(' ');

        Assert.Equal("""{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", json);
    }

    [Fact]
    public void Plan_MetadataNamedTensor_Rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Plan([TensorRecord.Create<byte>("__metadata__", [1], 1)], null));

        Assert.Contains("__metadata__", e.Message);
    }

    [Fact]
    public async Task WriteToAsync_SameBytesAsCopyTo()
    {
        var plan = SafeTensorsWriter.Plan([TensorRecord.Create<long>("n", [1L, 2L], 2), TensorRecord.Create<float>("a", [3f], 1)], null);
        var expected = new byte[plan.TotalLength];
        plan.CopyTo(expected);
        using var stream = new MemoryStream();

        await plan.WriteToAsync(stream, CancellationToken.None);

        Assert.Equal(expected, stream.ToArray());
    }
}
