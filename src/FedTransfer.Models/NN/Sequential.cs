using System.Globalization;
using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// An ordered list of modules named <c>0</c>, <c>1</c>, … (PyTorch <c>nn.Sequential</c>); forward feeds each output to the
/// next. The project's own rather than TorchSharp's so that an adapter can replace one of its entries in place.
/// </summary>
public sealed class Sequential : TransferModule
{
    private int _count;

    /// <summary>Creates the container holding <paramref name="modules"/> in order.</summary>
    public Sequential(IEnumerable<nn.Module<Tensor, Tensor>> modules) : base(nameof(Sequential))
    {
        foreach (var module in modules)
            Add(module);
    }

    /// <summary>Number of modules.</summary>
    public int Count => _count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public nn.Module<Tensor, Tensor> this[int index] => index >= 0 && index < _count
        ? Child(index.ToString(CultureInfo.InvariantCulture))
        : throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside 0..{_count - 1}");

    /// <summary>Appends <paramref name="module"/> under the next index.</summary>
    public void Add(nn.Module<Tensor, Tensor> module) => AddChild((_count++).ToString(CultureInfo.InvariantCulture), module);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _count; i++)
            x = this[i].call(x);
        return x;
    }
}
