using FedTransfer.Torch.Serialization;

namespace FedTransfer.Torch.Tests.Serialization;

public sealed class TensorRecordExtensionsTests
{
    [Fact]
    public void ToRecord_ToTensor_RoundTripsValuesShapeAndDType()
    {
        using var scope = Torch.NewDisposeScope();
        var tensor = Tensor.From([1.5f, -2f, 3.25f, 0f, 7f, 8f], 2, 3);

        var record = tensor.ToRecord("w");
        var back = record.ToTensor();

        Assert.Equal("w", record.Name);
        Assert.Equal(DType.Float32, record.DType);
        Assert.Equal([2L, 3L], record.Shape);
        Assert.Equal(24, record.Data.Length);
        Assert.Equal(tensor.ToArray<float>(), back.ToArray<float>());
    }

    [Fact]
    public void ToRecord_NonContiguousView_WritesLogicalOrder()
    {
        using var scope = Torch.NewDisposeScope();
        var transposed = Tensor.From([1f, 2f, 3f, 4f, 5f, 6f], 2, 3).Transpose(0, 1);

        var back = transposed.ToRecord("t").ToTensor();

        Assert.Equal([3L, 2L], back.Shape);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], back.ToArray<float>());
    }

    [Fact]
    public void ToTensors_WholeFile_KeysByName()
    {
        using var scope = Torch.NewDisposeScope();
        var bytes = SafeTensors.Serialize([Tensor.From([1L, 2L], 2).ToRecord("ids"), Tensor.Ones([3]).ToRecord("ones")]);

        var tensors = SafeTensors.Read(bytes).ToTensors();

        Assert.Equal([1L, 2L], tensors["ids"].ToArray<long>());
        Assert.Equal(DType.Float32, tensors["ones"].DType);
    }
}
