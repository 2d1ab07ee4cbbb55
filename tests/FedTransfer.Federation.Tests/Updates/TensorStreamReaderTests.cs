using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Updates;

public class TensorStreamReaderTests
{
    [Fact]
    public void ForEach_ForwardOnlyStream_VisitsEveryTensorWithItsBytes()
    {
        var records = Deltas.Random(Deltas.Mixed(), seed: 3);
        using var stream = Deltas.ForwardOnly(Deltas.Bytes(records));
        var header = SafeTensors.ReadHeader(stream);
        var seen = new Dictionary<string, byte[]>();

        var completed = TensorStreamReader.ForEach(stream, header, (entry, data) =>
        {
            seen.Add(entry.Name, data.ToArray());
            return true;
        });

        Assert.True(completed);
        Assert.Equal(records.Count, seen.Count);
        Assert.All(records, r => Assert.Equal(r.Data.ToArray(), seen[r.Name]));
    }

    [Fact]
    public void ForEach_VisitorReturnsFalse_StopsEarly()
    {
        var records = Deltas.Random(Deltas.Mixed(), seed: 3);
        using var stream = new MemoryStream(Deltas.Bytes(records));
        var header = SafeTensors.ReadHeader(stream);
        var visits = 0;

        var completed = TensorStreamReader.ForEach(stream, header, (_, _) => ++visits < 2);

        Assert.False(completed);
        Assert.Equal(2, visits);
    }

    [Fact]
    public void ForEach_TruncatedData_ThrowsNamingTensor()
    {
        var records = Deltas.Random(Deltas.Mixed(), seed: 3);
        var bytes = Deltas.Bytes(records);
        using var stream = Deltas.ForwardOnly(bytes[..^10]);
        var header = SafeTensors.ReadHeader(stream);
        var last = header.Tensors.MaxBy(e => e.Begin)!.Name;

        var e = Assert.Throws<SafeTensorsFormatException>(() => TensorStreamReader.ForEach(stream, header, (_, _) => true, "upload.safetensors"));

        Assert.Contains(last, e.Message);
        Assert.Contains("truncated", e.Message);
    }
}
