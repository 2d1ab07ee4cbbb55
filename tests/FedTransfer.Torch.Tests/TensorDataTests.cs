namespace FedTransfer.Torch.Tests;

public sealed class TensorDataTests
{
    [Fact]
    public void ToArray_WrongElementType_ThrowsWithHint()
    {
        using var t = Tensor.From([1L, 2L]);

        var e = Assert.Throws<ArgumentException>(() => t.ToArray<float>());

        Assert.Contains("int64", e.Message);
        Assert.Contains("To(DType.Float32)", e.Message);
    }

    [Fact]
    public void CopyTo_NonContiguousView_CopiesLogicalOrder()
    {
        using var t = Tensor.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        using var transposed = t.Transpose(0, 1);
        var destination = new float[8];

        transposed.CopyTo<float>(destination);

        Assert.Equal(new[] { 1f, 4f, 2f, 5f, 3f, 6f, 0f, 0f }, destination);
    }

    [Fact]
    public void CopyTo_DestinationTooSmall_Throws()
    {
        using var t = Tensor.Zeros([4]);

        Assert.Throws<ArgumentException>(() => t.CopyTo<float>(new float[3]));
    }

    [Fact]
    public void ToSingleAndToInt64_OfScalar_ReturnValue()
    {
        using var f = Tensor.Full([1], 3.25);
        using var l = Tensor.From([9L]);

        Assert.Equal(3.25f, f.ToSingle());
        Assert.Equal(9L, l.ToInt64());
    }

    [Fact]
    public void ToSingle_OfManyElements_ThrowsTorchException()
    {
        using var t = Tensor.Zeros([3]);

        Assert.Throws<TorchException>(() => t.ToSingle());
    }

    [Fact]
    public void ToDType_Float32ToFloat16AndInt64_Converts()
    {
        using var t = Tensor.From([1.5f, -2.75f]);
        using var half = t.To(DType.Float16);
        using var integer = t.To(DType.Int64);

        Assert.Equal(new[] { (Half)1.5f, (Half)(-2.75f) }, half.ToArray<Half>());
        Assert.Equal(new long[] { 1, -2 }, integer.ToArray<long>());
    }

    [Fact]
    public void ToDevice_Cpu_KeepsValues()
    {
        using var t = Tensor.From([1f, 2f]);
        using var moved = t.To(Device.Cpu);

        Assert.Equal(Device.Cpu, moved.Device);
        Assert.Equal(new[] { 1f, 2f }, moved.ToArray<float>());
    }

    [Fact]
    public void Clone_ThenModifyOriginal_CloneUnchanged()
    {
        using var t = Tensor.From([1f, 2f]);
        using var copy = t.Clone();

        t.FillInPlace(9);

        Assert.Equal(new[] { 1f, 2f }, copy.ToArray<float>());
    }

    [Fact]
    public void Detach_SharesStorageWithoutGrad()
    {
        using var t = Tensor.From([1f, 2f]);
        t.RequiresGrad = true;
        using var detached = t.Detach();

        using (Torch.NoGrad())
        {
            t.FillInPlace(5);
        }

        Assert.False(detached.RequiresGrad);
        Assert.Equal(new[] { 5f, 5f }, detached.ToArray<float>());
    }

    [Fact]
    public void Contiguous_OfTransposed_IsViewableAsFlat()
    {
        using var t = Tensor.From([1f, 2f, 3f, 4f], 2, 2);
        using var tr = t.Transpose(0, 1);
        using var contiguous = tr.Contiguous();
        using var flat = contiguous.View(4);

        Assert.Equal(new[] { 1f, 3f, 2f, 4f }, flat.ToArray<float>());
    }

    [Fact]
    public void ToBytes_EachDType_HoldsElementSizeBytesPerElement()
    {
        foreach (var dtype in Enum.GetValues<DType>())
        {
            using var t = Tensor.Zeros([3], dtype);

            Assert.Equal(3 * dtype.ElementSize(), t.ToBytes().Length);
        }
    }
}
