using FedTransfer.Models.Import.Onnx.Proto;
using Google.Protobuf;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>
/// Builds small ResNet graphs in ONNX by hand, with the quirks of real exports: CNTK's asymmetric stride-2 pads, a
/// conv bias, a batch-norm epsilon other than 1e-5, opaque initializer names. Seeded, so every build is the same.
/// </summary>
internal sealed class TinyResNetOnnx
{
    private readonly Random _random = new(1234);
    private readonly GraphProto _graph = new() { Name = "tiny" };
    private int _next;

    public const int Size = 32;
    public const string InputName = "data";
    public const string OutputName = "features";

    /// <summary>A ResNet of width 4: stem, one identity block at 4 channels, one stride-2 block to 8 with a 1×1 shortcut.</summary>
    public static ModelProto Build(Action<GraphProto>? edit = null)
    {
        var b = new TinyResNetOnnx();
        var x = b.Conv(InputName, 3, 4, 7, 2, [3, 3, 2, 2], bias: true);
        x = b.Relu(b.BatchNorm(x, 4, epsilon: 1e-3f));
        x = b.Node("MaxPool", [x], ("kernel_shape", [3, 3]), ("strides", [2, 2]), ("pads", [1, 1, 0, 0]));
        x = b.Block(x, 4, 4, 1);
        x = b.Block(x, 4, 8, 2);
        b._graph.Node.Add(new NodeProto { OpType = "GlobalAveragePool", Name = "pool", Input = { x }, Output = { OutputName } });
        b._graph.Input.Add(Value(InputName, [1, 3, Size, Size]));
        b._graph.Output.Add(Value(OutputName, [1, 8, 1, 1]));
        edit?.Invoke(b._graph);
        return new ModelProto { IrVersion = 7, ProducerName = "tiny", Graph = b._graph, OpsetImport = { new OperatorSetIdProto { Version = 13 } } };
    }

    /// <summary>Writes the model to <paramref name="path"/>.</summary>
    public static void Write(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());

    private string Block(string x, int inChannels, int channels, int stride)
    {
        var h = Relu(BatchNorm(Conv(x, inChannels, channels, 3, stride, [1, 1, 1, 1], bias: false), channels, 1e-5f));
        h = BatchNorm(Conv(h, channels, channels, 3, 1, [1, 1, 1, 1], bias: false), channels, 1e-5f);
        var shortcut = stride == 1 && inChannels == channels ? x : BatchNorm(Conv(x, inChannels, channels, 1, stride, [0, 0, 0, 0], bias: false), channels, 1e-5f);
        return Relu(Node("Add", [h, shortcut]));
    }

    private string Conv(string x, int inChannels, int outChannels, int kernel, int stride, long[] pads, bool bias)
    {
        List<string> inputs = [x, Constant([outChannels, inChannels, kernel, kernel], 0.3)];
        if (bias)
            inputs.Add(Constant([outChannels], 0.5));
        return Node("Conv", inputs, ("kernel_shape", [kernel, kernel]), ("strides", [stride, stride]), ("pads", pads));
    }

    private string BatchNorm(string x, int channels, float epsilon)
    {
        var variance = Constant([channels], 0.2, positive: true);
        var output = Node("BatchNormalization", [x, Constant([channels], 0.5, offset: 1), Constant([channels], 0.3), Constant([channels], 0.3), variance]);
        _graph.Node[^1].Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = epsilon });
        return output;
    }

    private string Relu(string x) => Node("Relu", [x]);

    private string Node(string op, IEnumerable<string> inputs, params (string Name, long[] Values)[] attributes)
    {
        var name = $"{op}{_next++}";
        var node = new NodeProto { OpType = op, Name = name, Output = { $"{name}_Output_0" } };
        node.Input.AddRange(inputs);
        foreach (var (attribute, values) in attributes)
            node.Attribute.Add(new AttributeProto { Name = attribute, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } });
        _graph.Node.Add(node);
        return node.Output[0];
    }

    private string Constant(long[] shape, double std, double offset = 0, bool positive = false)
    {
        var count = shape.Aggregate(1L, (n, d) => n * d);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var v = offset + std * (_random.NextDouble() * 2 - 1);
            values[i] = (float)(positive ? 0.05 + Math.Abs(v) : v);
        }
        var tensor = new TensorProto { Name = $"Parameter{_next++}", DataType = 1, Dims = { shape } };
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private static ValueInfoProto Value(string name, long[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto() };
        foreach (var d in shape)
            tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
