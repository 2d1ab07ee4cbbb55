using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Updates;

public class TrainableSetTests
{
    [Fact]
    public void Create_SortsByNameAndCounts()
    {
        var set = Deltas.Set(("z", DType.Float32, [2, 3]), ("a", DType.Float16, [4]));

        Assert.Equal(["a", "z"], set.Tensors.Select(t => t.Name));
        Assert.Equal(10, set.ParameterCount);
        Assert.Equal(4 * 2 + 6 * 4, set.ByteLength);
        Assert.True(set.TryGetIndex("z", out var index));
        Assert.Equal(1, index);
        Assert.False(set.TryGet("missing", out _));
    }

    [Fact]
    public void Create_DuplicateName_Throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Deltas.Set(("a", DType.Float32, [1]), ("a", DType.Float32, [2])));

        Assert.Contains("'a' appears twice", e.Message);
    }

    [Fact]
    public void Create_IntegerDType_ThrowsNamingTensor()
    {
        var e = Assert.Throws<ArgumentException>(() => Deltas.Set(("steps", DType.Int64, [1])));

        Assert.Contains("'steps'", e.Message);
        Assert.Contains("I64", e.Message);
    }

    [Fact]
    public void Create_Empty_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrainableSet.Create([]));
    }

    [Fact]
    public void FromHeader_MatchesFileTensors()
    {
        var records = Deltas.Random(Deltas.Mixed(), seed: 1);
        using var stream = new MemoryStream(Deltas.Bytes(records));

        var set = TrainableSet.FromHeader(SafeTensors.ReadHeader(stream));

        Assert.Equal(records.Select(r => r.Name).Order(StringComparer.Ordinal), set.Tensors.Select(t => t.Name));
        Assert.All(records, r => Assert.True(set.TryGet(r.Name, out var t) && t.DType == r.DType && t.HasShape(r.Shape)));
    }

    [Fact]
    public void FromRecords_MatchesRecords()
    {
        var set = TrainableSet.FromRecords([TensorRecord.FromSingles("b", [1f, 2f], DType.BFloat16, 2)]);

        Assert.Equal(DType.BFloat16, set.Tensors.Single().DType);
    }
}
