using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class LoraProductMeanTests
{
    [Fact]
    public void Find_PairsAWithB_IgnoresUnmatchedAndOtherTensors()
    {
        var set = Deltas.Set(
            ("blocks.0.attn.qkv.lora_a", DType.Float32, [4, 16]), ("blocks.0.attn.qkv.lora_b", DType.Float32, [48, 4]),
            ("blocks.1.attn.qkv.lora_a", DType.Float32, [4, 16]), // no B
            ("blocks.2.attn.qkv.lora_b", DType.Float32, [48, 4]), // no A
            ("head.weight", DType.Float32, [3, 16]));

        var pairs = LoraPair.Find(set);

        Assert.Equal(new[] { new LoraPair("blocks.0.attn.qkv", 4) }, pairs);
        Assert.Equal("blocks.0.attn.qkv.lora_b", pairs[0].BName);
    }

    [Theory]
    [InlineData(new[] { 3.0, 4.0, 0.0 }, 1, 0.8)]  // √16 / √25
    [InlineData(new[] { 3.0, 4.0, 0.0 }, 2, 0.0)]
    [InlineData(new[] { 0.0, 0.0 }, 1, 0.0)]       // a zero matrix loses nothing
    public void TruncationError_IsTheRelativeNormOfTheDiscardedValues(double[] singular, int rank, double expected)
    {
        Assert.Equal(expected, LoraProductMean.TruncationError(singular, rank), 12);
    }

    [Fact]
    public void Factorise_SplitsSingularValuesEvenly()
    {
        // One site, B = diag-like [2, 1] scaling and A = identity rows: the product has singular values 4 and 1.
        var set = Deltas.Set(("l.lora_a", DType.Float32, [2, 3]), ("l.lora_b", DType.Float32, [3, 2]));
        var zero = new[] { TensorRecord.FromSingles("l.lora_a", new float[6], DType.Float32, 2, 3), TensorRecord.FromSingles("l.lora_b", new float[6], DType.Float32, 3, 2) };
        var mean = new LoraProductMean(LoraPair.Find(set), zero);
        mean.Add(new Dictionary<string, TensorRecord>
        {
            ["l.lora_a"] = TensorRecord.FromSingles("l.lora_a", [1, 0, 0, 0, 1, 0], DType.Float32, 2, 3),
            ["l.lora_b"] = TensorRecord.FromSingles("l.lora_b", [4, 0, 0, 1, 0, 0], DType.Float32, 3, 2),
        }, weight: 3);

        var (a, b, error) = mean.Factorise(zero.ToDictionary(t => t.Name)).Single();

        Assert.Equal(0, error, 12);
        // Balanced: each factor carries √σ, so row norms of A equal column norms of B (2 and 1), signs aside.
        var av = a.ToSingles();
        var bv = b.ToSingles();
        Assert.Equal(2, Math.Sqrt(av[0] * av[0] + av[1] * av[1] + av[2] * av[2]), 5);
        Assert.Equal(1, Math.Sqrt(av[3] * av[3] + av[4] * av[4] + av[5] * av[5]), 5);
        Assert.Equal(2, Math.Sqrt(bv[0] * bv[0] + bv[2] * bv[2] + bv[4] * bv[4]), 5);
        Assert.Equal(1, Math.Sqrt(bv[1] * bv[1] + bv[3] * bv[3] + bv[5] * bv[5]), 5);
    }
}
