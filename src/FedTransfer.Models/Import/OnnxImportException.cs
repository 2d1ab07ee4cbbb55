namespace FedTransfer.Models.Import;

/// <summary>
/// An ONNX file the importer cannot turn into one of the project's modules: not ONNX, an operator it does not map, or a
/// shape or attribute the target architecture cannot hold. <see cref="NodeName"/> names the graph node at fault.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception for the node called <paramref name="nodeName"/> (empty when the whole file is at fault).</summary>
    public OnnxImportException(string nodeName, string message, Exception? inner = null) : base(message, inner) => NodeName = nodeName;

    /// <summary>The name of the offending ONNX node (or value), or empty when the fault is the file as a whole.</summary>
    public string NodeName { get; }
}
