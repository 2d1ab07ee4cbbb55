namespace FedTransfer.Torch.Tests;

public sealed class TensorShapeTests
{
    private static Tensor Range2x3() => Tensor.From([0f, 1f, 2f, 3f, 4f, 5f], 2, 3);

    [Fact]
    public void ReshapeAndView_InferMinusOne()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Range2x3();

        Assert.Equal(new long[] { 3, 2 }, t.Reshape(3, -1).Shape);
        Assert.Equal(new long[] { 6 }, t.View(-1).Shape);
        Assert.Equal(new long[] { 6 }, t.Flatten().Shape);
    }

    [Fact]
    public void View_OfNonContiguous_ThrowsTorchException()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Range2x3().Transpose(0, 1);

        Assert.Throws<TorchException>(() => t.View(6));
    }

    [Fact]
    public void PermuteAndTranspose_ReorderElements()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Range2x3();

        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, t.Permute(1, 0).Contiguous().ToArray<float>());
        Assert.Equal(new[] { 0f, 3f, 1f, 4f, 2f, 5f }, t.Transpose(0, 1).ToArray<float>());
    }

    [Fact]
    public void UnsqueezeSqueezeExpand_ChangeShapesAsPyTorch()
    {
        using var scope = Torch.NewDisposeScope();
        var v = Tensor.From([1f, 2f, 3f]);

        var row = v.Unsqueeze(0);
        var expanded = row.Expand(2, -1);

        Assert.Equal(new long[] { 1, 3 }, row.Shape);
        Assert.Equal(new long[] { 3 }, row.Squeeze(0).Shape);
        Assert.Equal(new long[] { 1, 3 }, row.Squeeze(1).Shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 1f, 2f, 3f }, expanded.ToArray<float>());
    }

    [Fact]
    public void Slice_WithStep_PicksElements()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.Arange(10);

        Assert.Equal(new long[] { 2, 4, 6 }, t.Slice(0, 2, 8, 2).ToArray<long>());
        Assert.Equal(new long[] { 8, 9 }, t.Slice(0, 8, long.MaxValue).ToArray<long>());
    }

    [Fact]
    public void SelectAndIndexSelect_PickRows()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Range2x3();
        var index = Tensor.From([2L, 0L]);

        Assert.Equal(new[] { 3f, 4f, 5f }, t.Select(0, 1).ToArray<float>());
        Assert.Equal(new[] { 2f, 0f, 5f, 3f }, t.IndexSelect(1, index).ToArray<float>());
    }
}
