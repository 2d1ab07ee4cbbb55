using FedTransfer.Models.Import.Onnx.Proto;

namespace FedTransfer.Models.Import.Onnx;

/// <summary>Reading a node's attributes with ONNX's defaults, and naming the node in every error.</summary>
internal static class OnnxNodes
{
    /// <summary>How messages name a node: its name, or its first output when the exporter left the name empty.</summary>
    public static string Label(this NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "?";

    /// <summary>An error naming the node and its operator.</summary>
    public static OnnxImportException Error(this NodeProto node, string what) =>
        new(node.Label(), $"ONNX node '{node.Label()}' ({node.OpType}): {what}");

    /// <summary>The integer list attribute <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static long[] Ints(this NodeProto node, string name, long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? [.. a.Ints] : fallback;

    /// <summary>The integer attribute <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static long Int(this NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    /// <summary>The float attribute <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static float Float(this NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>The string attribute <paramref name="name"/>, or <paramref name="fallback"/> when absent.</summary>
    public static string String(this NodeProto node, string name, string fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>The node's only output.</summary>
    public static string SingleOutput(this NodeProto node) =>
        node.Output.Count == 1 ? node.Output[0] : throw node.Error($"expected one output, it has {node.Output.Count}");
}
