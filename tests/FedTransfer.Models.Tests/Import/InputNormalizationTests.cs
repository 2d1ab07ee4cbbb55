using FedTransfer.Models.Import;

namespace FedTransfer.Models.Tests.Import;

public sealed class InputNormalizationTests
{
    [Fact]
    public void FromOnnx_PackagedResNetPreprocess_IsBgrMinusMeanImage()
    {
        var normalization = InputNormalization.FromOnnx(PackagedModels.ResNet18Preprocess);

        // Split into R, G, B, Concat as B, G, R, Sub a 1x3x224x224 mean image (Caffe style, 0-255 pixels).
        Assert.Equal([2, 1, 0], normalization.ChannelOrder);
        Assert.Equal(103.06, normalization.Mean[0], 0.01);
        Assert.Equal(115.90, normalization.Mean[1], 0.01);
        Assert.Equal(123.15, normalization.Mean[2], 0.01);
        Assert.Equal([1f, 1f, 1f], normalization.Std);
        Assert.All(normalization.MeanSpread, s => Assert.InRange(s, 1, 10));
        var metadata = normalization.ToMetadata();
        Assert.Equal("BGR", metadata["fedtransfer.input.channels"]);
        Assert.Equal("2,1,0", metadata["fedtransfer.input.channel_order"]);
    }

    [Fact]
    public void FromOnnx_ResNetModelItself_NamesTheFirstUnsupportedNode()
    {
        var error = Assert.Throws<OnnxImportException>(() => InputNormalization.FromOnnx(PackagedModels.ResNet18Onnx));

        Assert.Equal("Convolution249", error.NodeName);
    }
}
