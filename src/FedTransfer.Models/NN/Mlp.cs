using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>The transformer feed-forward sublayer: <c>fc1</c> (dim → hidden), GELU, dropout, <c>fc2</c> (hidden → dim), dropout.</summary>
public sealed class Mlp : TransferModule
{
    /// <summary>Creates the sublayer with a hidden width of <paramref name="hidden"/>.</summary>
    public Mlp(long dim, long hidden, double dropout = 0) : base(nameof(Mlp))
    {
        AddChild("fc1", Layers.Linear(dim, hidden));
        AddChild("drop", Layers.Dropout(dropout));
        AddChild("fc2", Layers.Linear(hidden, dim));
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var drop = Child("drop");
        var h = drop.call(nn.functional.gelu(Child("fc1").call(input)));
        return drop.call(Child("fc2").call(h));
    }
}
