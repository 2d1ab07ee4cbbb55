using System.Diagnostics.CodeAnalysis;

namespace FedTransfer.Weights.Serialization;

/// <summary>The tensors and metadata of a safetensors file, read and validated.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, TensorRecord> _byName;

    internal SafeTensorsFile(IReadOnlyList<TensorRecord> tensors, IReadOnlyDictionary<string, string> metadata, string? fileName)
    {
        Tensors = tensors;
        Metadata = metadata;
        FileName = fileName;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The tensors in file order (ascending data offset; for files this project writes, sorted by name).</summary>
    public IReadOnlyList<TensorRecord> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The file the tensors came from, or null when read from a buffer.</summary>
    public string? FileName { get; }

    /// <summary>Number of tensors.</summary>
    public int Count => Tensors.Count;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names it and the file.</exception>
    public TensorRecord this[string name] => _byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"safetensors{(FileName is null ? "" : $" file '{FileName}'")} has no tensor '{name}' ({Count} tensors present).");

    /// <summary>Looks up a tensor by name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out TensorRecord tensor) => _byName.TryGetValue(name, out tensor);

    /// <summary>True when a tensor of this name is present.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);
}
