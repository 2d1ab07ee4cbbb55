using FedTransfer.Models.Import.Onnx.Proto;
using System.Security.Cryptography;
using Google.Protobuf;

namespace FedTransfer.Models.Import.Onnx;

/// <summary>
/// A parsed ONNX graph indexed for walking by structure: initializers by name, the nodes that consume each value, and the
/// single data input (the graph input that is not an initializer).
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, List<NodeProto>> _consumers;
    private readonly Dictionary<string, NodeProto> _producers;

    private OnnxGraph(ModelProto model, string source, string sha256)
    {
        Model = model;
        Source = source;
        Sha256 = sha256;
        var graph = model.Graph ?? throw new OnnxImportException("", $"{source}: the ONNX model has no graph; export the model again");
        _initializers = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializer)
            _initializers[tensor.Name] = tensor;
        _consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        _producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var output in node.Output)
                _producers[output] = node;
        foreach (var node in graph.Node)
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                    _consumers[input] = list = [];
                list.Add(node);
            }
        var dataInputs = graph.Input.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (dataInputs.Count != 1)
            throw new OnnxImportException("", $"{source}: expected one data input, the graph has {dataInputs.Count} ({string.Join(", ", dataInputs.Select(i => i.Name))}); import a single-input image model");
        Input = dataInputs[0];
        Outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The whole model (producer, opsets).</summary>
    public ModelProto Model { get; }

    /// <summary>Where the model came from, for messages.</summary>
    public string Source { get; }

    /// <summary>SHA-256 of the file's bytes (lower-case hex): which export a backbone was made from.</summary>
    public string Sha256 { get; }

    /// <summary>The data input.</summary>
    public ValueInfoProto Input { get; }

    /// <summary>Names of the graph outputs.</summary>
    public IReadOnlySet<string> Outputs { get; }

    /// <summary>The default-domain opset the file declares (0 when none).</summary>
    public long Opset => Model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    /// <summary>Parses an ONNX file, with one clear line when it is not one.</summary>
    public static OnnxGraph Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxImportException("", $"cannot read ONNX file '{path}': {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Parses ONNX bytes; <paramref name="source"/> names them in messages.</summary>
    public static OnnxGraph Parse(byte[] bytes, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxImportException("", $"{source} is not an ONNX model ({e.Message}); pass a .onnx file", e);
        }
        return new OnnxGraph(model, source, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>The initializer called <paramref name="name"/>, or null when the value is computed by a node.</summary>
    public TensorProto? Initializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>The node that computes <paramref name="name"/>, or null for graph inputs and initializers.</summary>
    public NodeProto? ProducerOf(string name) => _producers.GetValueOrDefault(name);

    /// <summary>The nodes that read the value <paramref name="name"/>, in file order.</summary>
    public IReadOnlyList<NodeProto> ConsumersOf(string name) => _consumers.TryGetValue(name, out var list) ? list : [];
}
