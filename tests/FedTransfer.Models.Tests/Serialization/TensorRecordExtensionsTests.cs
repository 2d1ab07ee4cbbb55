using FedTransfer.Models.Serialization;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Serialization;

public sealed class TensorRecordExtensionsTests
{
    [Fact]
    public void ToRecord_ToTensor_RoundTripsValuesShapeAndDType()
    {
        using var scope = NewDisposeScope();
        var t = tensor(new[] { 1.5f, -2f, 3.25f, 0f, 7f, 8f }, [2, 3]);

        var record = t.ToRecord("w");
        var back = record.ToTensor();

        Assert.Equal("w", record.Name);
        Assert.Equal(DType.Float32, record.DType);
        Assert.Equal([2L, 3L], record.Shape);
        Assert.Equal(24, record.Data.Length);
        Assert.Equal(t.data<float>().ToArray(), back.data<float>().ToArray());
    }

    [Fact]
    public void ToRecord_NonContiguousView_WritesLogicalOrder()
    {
        using var scope = NewDisposeScope();
        var transposed = tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, [2, 3]).transpose(0, 1);

        var back = transposed.ToRecord("t").ToTensor();

        Assert.Equal([3L, 2L], back.shape);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], back.data<float>().ToArray());
    }

    [Fact]
    public void ToTensors_WholeFile_KeysByName()
    {
        using var scope = NewDisposeScope();
        var bytes = SafeTensors.Serialize([tensor(new[] { 1L, 2L }).ToRecord("ids"), ones(3).ToRecord("ones")]);

        var tensors = SafeTensors.Read(bytes).ToTensors();

        Assert.Equal([1L, 2L], tensors["ids"].data<long>().ToArray());
        Assert.Equal(ScalarType.Float32, tensors["ones"].dtype);
    }

    [Fact]
    public void ToRecord_BFloat16Tensor_MatchesTheManagedConversion()
    {
        using var scope = NewDisposeScope();
        float[] values = [0.1f, -3.3333f, 65504.5f, 1e-20f, 123456.7f];

        var record = tensor(values).to_type(ScalarType.BFloat16).ToRecord("b");

        Assert.Equal(DType.BFloat16, record.DType);
        Assert.Equal(values.Select(v => FedTransfer.Weights.BFloat16.FromSingle(v).ToSingle()).ToArray(), record.ToSingles());
    }

    [Fact]
    public void ToRecord_CudaOrStridedTensor_CopiesToHostFirst()
    {
        using var scope = NewDisposeScope();
        var strided = arange(12, ScalarType.Float32).view(3, 4)[.., 1..3];

        var record = strided.ToRecord("s");

        Assert.Equal([3L, 2L], record.Shape);
        Assert.Equal([1f, 2f, 5f, 6f, 9f, 10f], record.ToSingles());
    }
}
