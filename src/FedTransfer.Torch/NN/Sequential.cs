namespace FedTransfer.Torch.NN;

/// <summary>An ordered list of modules named <c>0</c>, <c>1</c>, … (PyTorch <c>nn.Sequential</c>); forward feeds each output to the next.</summary>
public sealed class Sequential : Module
{
    private int _count;

    /// <summary>Creates the container holding <paramref name="modules"/> in order.</summary>
    public Sequential(IEnumerable<Module> modules)
    {
        foreach (var module in modules)
            Add(module);
    }

    /// <summary>Number of modules.</summary>
    public int Count => _count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module this[int index] => index >= 0 && index < _count
        ? Child(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : throw new ArgumentOutOfRangeException(nameof(index), $"index {index} is outside 0..{_count - 1}");

    /// <summary>Appends <paramref name="module"/> under the next index.</summary>
    public void Add(Module module) => RegisterModule((_count++).ToString(System.Globalization.CultureInfo.InvariantCulture), module);

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _count; i++)
            x = this[i].Forward(x);
        return x;
    }
}
