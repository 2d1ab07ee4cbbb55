using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsFormatExceptionTests
{
    [Fact]
    public void Message_NamesFileTensorAndProblem()
    {
        var e = new SafeTensorsFormatException("data is truncated", "m.safetensors", "head.weight");

        Assert.Equal("safetensors file 'm.safetensors', tensor 'head.weight': data is truncated", e.Message);
        Assert.Equal("data is truncated", e.Problem);
    }

    [Fact]
    public void Message_WithoutFileOrTensor_StillOneLine()
    {
        var e = new SafeTensorsFormatException("header length 9 is larger than the file");

        Assert.Equal("safetensors: header length 9 is larger than the file", e.Message);
        Assert.Null(e.FileName);
        Assert.Null(e.TensorName);
    }
}
