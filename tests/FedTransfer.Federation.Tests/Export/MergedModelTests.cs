using FedTransfer.Federation.Export;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Export;

public sealed class MergedModelTests
{
    // W [3, 2], A [r=2, in=2], B [out=3, r=2]; head replaced by the adapter's.
    private static readonly TensorRecord W = TensorRecord.FromSingles("blocks.0.attn.qkv.weight", [1, 2, 3, 4, 5, 6], DType.Float32, 3, 2);
    private static readonly TensorRecord A = TensorRecord.FromSingles("blocks.0.attn.qkv.lora_a", [0.5f, -1, 2, 0.25f], DType.Float32, 2, 2);
    private static readonly TensorRecord B = TensorRecord.FromSingles("blocks.0.attn.qkv.lora_b", [1, 0, 0, 1, -1, 2], DType.Float32, 3, 2);
    private static readonly TensorRecord OldHead = TensorRecord.FromSingles("head.weight", [9, 9], DType.Float32, 1, 2);
    private static readonly TensorRecord NewHead = TensorRecord.FromSingles("head.weight", [7, 8, 1, 2], DType.Float32, 2, 2);

    [Fact]
    public void Merge_Lora_FoldsScaledBTimesAIntoTheWeightAndDropsAdapterTensors()
    {
        // Act: alpha 3, r 2 -> scale 1.5.
        var (tensors, how) = MergedModel.Merge([W, OldHead], [A, B, NewHead], new LoraSpec(Rank: 2, Alpha: 3));

        // Assert: W' = W + 1.5 * B A, element by element.
        Assert.Equal(MergedModel.Folded, how);
        Assert.Equal(["blocks.0.attn.qkv.weight", "head.weight"], tensors.Select(t => t.Name));
        float[] a = [0.5f, -1, 2, 0.25f], b = [1, 0, 0, 1, -1, 2], w = [1, 2, 3, 4, 5, 6];
        var expected = new float[6];
        for (var o = 0; o < 3; o++)
            for (var i = 0; i < 2; i++)
                expected[o * 2 + i] = w[o * 2 + i] + 1.5f * (b[o * 2] * a[i] + b[o * 2 + 1] * a[2 + i]);
        Assert.Equal(expected, tensors[0].ToSingles());
        Assert.Equal(NewHead.ToSingles(), tensors[1].ToSingles());
        Assert.Equal([2L, 2L], tensors[1].Shape);
    }

    [Fact]
    public void Merge_LoraWithoutItsBaseWeight_SaysWhichTensor()
    {
        // Act
        var error = Assert.Throws<ArgumentException>(() => MergedModel.Merge([OldHead], [A, B], new LoraSpec(Rank: 2, Alpha: 2)));

        // Assert
        Assert.Contains("'blocks.0.attn.qkv.weight', which the backbone does not have", error.Message);
    }

    [Fact]
    public void Merge_LoraWithMismatchedShapes_SaysWhatWasExpected()
    {
        // Arrange
        var wide = TensorRecord.FromSingles(W.Name, new float[12], DType.Float32, 3, 4);

        // Act
        var error = Assert.Throws<ArgumentException>(() => MergedModel.Merge([wide], [A, B], new LoraSpec(Rank: 2, Alpha: 2)));

        // Assert
        Assert.Contains("expected A [r, in] and B [out, r] for W [out, in]", error.Message);
    }

    [Fact]
    public void Merge_Bottleneck_KeepsBackboneAndAdapterTensorsSideBySide()
    {
        // Arrange
        var down = TensorRecord.FromSingles("blocks.0.adapter_mlp.down.weight", [1, 2], DType.Float32, 1, 2);

        // Act
        var (tensors, how) = MergedModel.Merge([W, OldHead], [down, NewHead], new BottleneckSpec(4));

        // Assert
        Assert.Equal(MergedModel.NotFoldable, how);
        Assert.Equal(["blocks.0.adapter_mlp.down.weight", "blocks.0.attn.qkv.weight", "head.weight"], tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal(NewHead.ToSingles(), tensors.Single(t => t.Name == "head.weight").ToSingles());
    }
}
