using FedTransfer.Models.Import;
using FedTransfer.Models.Import.Onnx;
using FedTransfer.Models.Import.Onnx.Proto;
using FedTransfer.Models.Tests.TestSupport;
using Google.Protobuf;

namespace FedTransfer.Models.Tests.Import;

public sealed class ResNetGraphReaderTests
{
    private static ResNetGraph Read(ModelProto model) => ResNetGraphReader.Read(OnnxGraph.Parse(model.ToByteArray(), "tiny.onnx"));

    [Fact]
    public void Read_TinyGraph_FindsStagesAndTorchvisionNames()
    {
        var graph = Read(TinyResNetOnnx.Build());

        Assert.Equal([1, 1], graph.Blocks);
        Assert.Equal(4, graph.Width);
        Assert.Equal(3, graph.Channels);
        var names = graph.Weights.Select(w => w.Name).ToList();
        Assert.Contains("conv1.weight", names);
        Assert.Contains("bn1.running_var", names);
        Assert.Contains("layer1.0.conv2.weight", names);
        Assert.Contains("layer2.0.downsample.0.weight", names);
        Assert.Contains("layer2.0.downsample.1.running_mean", names);
        Assert.DoesNotContain("layer1.0.downsample.0.weight", names);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void Read_UnknownOperator_NamesTheNode()
    {
        var model = TinyResNetOnnx.Build(g =>
        {
            var relu = g.Node.First(n => n.OpType == "Relu");
            relu.OpType = "Sigmoid";
            relu.Name = "odd_activation";
        });

        var error = Assert.Throws<OnnxImportException>(() => Read(model));

        Assert.Equal("odd_activation", error.NodeName);
        Assert.Contains("'odd_activation' (Sigmoid)", error.Message);
        Assert.Contains("expected Relu", error.Message);
    }

    [Fact]
    public void Read_BatchNormOfWrongWidth_NamesTheNode()
    {
        var model = TinyResNetOnnx.Build(g =>
        {
            var bn = g.Node.Where(n => n.OpType == "BatchNormalization").ElementAt(1);
            var scale = g.Initializer.First(t => t.Name == bn.Input[1]);
            scale.Dims[0] = 3;
            scale.FloatData.RemoveAt(0);
        });

        var error = Assert.Throws<OnnxImportException>(() => Read(model));

        Assert.StartsWith("BatchNormalization", error.NodeName);
        Assert.Contains("has 3 values, expected 4", error.Message);
    }

    [Fact]
    public void Read_GroupedConvolution_NamesTheNode()
    {
        var model = TinyResNetOnnx.Build(g =>
            g.Node.Where(n => n.OpType == "Conv").ElementAt(2).Attribute.Add(new AttributeProto { Name = "group", I = 2, Type = AttributeProto.Types.AttributeType.Int }));

        var error = Assert.Throws<OnnxImportException>(() => Read(model));

        Assert.StartsWith("Conv", error.NodeName);
        Assert.Contains("grouped or dilated", error.Message);
    }

    [Fact]
    public void Read_ClassifierAfterPool_SaysOnlyFeatureExtractorsImport()
    {
        var model = TinyResNetOnnx.Build(g =>
        {
            g.Node.Single(n => n.OpType == "GlobalAveragePool").Output[0] = "pooled";
            g.Node.Add(new NodeProto { OpType = "Flatten", Name = "flatten", Input = { "pooled" }, Output = { TinyResNetOnnx.OutputName } });
        });

        var error = Assert.Throws<OnnxImportException>(() => Read(model));

        Assert.Equal("flatten", error.NodeName);
        Assert.Contains("after the average pool", error.Message);
    }

    [Fact]
    public void Parse_NotOnnx_SaysSo()
    {
        var error = Assert.Throws<OnnxImportException>(() => OnnxGraph.Parse([0xff, 0xff, 0xff, 0xff, 0x0f], "weights.bin"));

        Assert.Contains("weights.bin is not an ONNX model", error.Message);
    }
}
