using FedTransfer.Weights.Serialization;
using static FedTransfer.Weights.Tests.Serialization.SafeTensorsTestFiles;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsFileTests
{
    [Fact]
    public void Indexer_UnknownName_MessageNamesTensorAndFile()
    {
        var file = SafeTensors.Read(TwoTensors(), "x.safetensors");

        var e = Assert.Throws<KeyNotFoundException>(() => file["nope"]);

        Assert.Contains("'nope'", e.Message);
        Assert.Contains("'x.safetensors'", e.Message);
    }

    [Fact]
    public void TryGetAndContains_FindOnlyPresentNames()
    {
        var file = SafeTensors.Read(TwoTensors());

        Assert.True(file.TryGet("a", out var a));
        Assert.Equal(DType.Float32, a.DType);
        Assert.False(file.TryGet("nope", out _));
        Assert.True(file.Contains("b"));
        Assert.False(file.Contains("B"));
        Assert.Equal(2, file.Count);
    }
}
