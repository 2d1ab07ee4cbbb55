namespace FedTransfer.Torch.NN;

/// <summary>The transformer feed-forward sublayer: <c>fc1</c> (dim → hidden), GELU, dropout, <c>fc2</c> (hidden → dim), dropout.</summary>
public sealed class Mlp : Module
{
    /// <summary>Creates the sublayer with a hidden width of <paramref name="hidden"/>.</summary>
    public Mlp(long dim, long hidden, double dropout = 0)
    {
        RegisterModule("fc1", new Linear(dim, hidden));
        RegisterModule("drop", new Dropout(dropout));
        RegisterModule("fc2", new Linear(hidden, dim));
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var drop = Child("drop");
        var h = Child("fc1").Forward(input).Gelu();
        h = drop.Forward(h);
        return drop.Forward(Child("fc2").Forward(h));
    }
}
