using System.Diagnostics.CodeAnalysis;

namespace FedTransfer.Weights.Serialization;

/// <summary>Where one tensor lives in a safetensors file: offsets are relative to the data buffer that follows the header.</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first.</param>
/// <param name="Begin">First byte of the tensor in the data buffer.</param>
/// <param name="End">One past the last byte of the tensor in the data buffer.</param>
public sealed record SafeTensorsEntry(string Name, DType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of data bytes: <see cref="End"/> − <see cref="Begin"/>.</summary>
    public long ByteLength => End - Begin;

    /// <summary>Number of elements: the product of <see cref="Shape"/>.</summary>
    public long NumElements => TensorShape.CountElements(Shape);
}

/// <summary>
/// The parsed and validated header of a safetensors file, without the tensor data. Lets a reader walk a large file
/// tensor by tensor (see <see cref="SafeTensors.ReadHeader(Stream, string?)"/>).
/// </summary>
public sealed class SafeTensorsHeader
{
    private readonly Dictionary<string, SafeTensorsEntry> _byName;

    internal SafeTensorsHeader(IReadOnlyList<SafeTensorsEntry> tensors, IReadOnlyDictionary<string, string> metadata, long headerLength)
    {
        Tensors = tensors;
        Metadata = metadata;
        HeaderLength = headerLength;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        DataLength = tensors.Count == 0 ? 0 : tensors[^1].End;
    }

    /// <summary>Tensor entries in file order (ascending data offset).</summary>
    public IReadOnlyList<SafeTensorsEntry> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>N: the length in bytes of the JSON header (padding included).</summary>
    public long HeaderLength { get; }

    /// <summary>Absolute file offset of the data buffer: 8 + N.</summary>
    public long DataOffset => 8 + HeaderLength;

    /// <summary>Length of the data buffer the header describes (the end of the last tensor).</summary>
    public long DataLength { get; }

    /// <summary>Total file length the header implies.</summary>
    public long FileLength => DataOffset + DataLength;

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names it.</exception>
    public SafeTensorsEntry this[string name] =>
        _byName.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"safetensors header has no tensor '{name}'.");

    /// <summary>Looks up an entry by name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out SafeTensorsEntry entry) => _byName.TryGetValue(name, out entry);
}
