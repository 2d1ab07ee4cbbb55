namespace FedTransfer.Torch.NN;

/// <summary>Layer normalisation over the last dimension with learnable <c>weight</c> (ones) and <c>bias</c> (zeros).</summary>
public sealed class LayerNorm : Module
{
    private readonly long[] _normalizedShape;

    /// <summary>Creates a layer normalising vectors of width <paramref name="dim"/>.</summary>
    public LayerNorm(long dim, double eps = 1e-6)
    {
        if (dim <= 0)
            throw new ArgumentOutOfRangeException(nameof(dim), $"LayerNorm needs a positive width, got {dim}");
        _normalizedShape = [dim];
        Eps = eps;
        RegisterParameter("weight", Tensor.Ones([dim]));
        RegisterParameter("bias", Tensor.Zeros([dim]));
    }

    /// <summary>Added to the variance for numerical stability (ViTs use 1e-6).</summary>
    public double Eps { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.LayerNorm(input, _normalizedShape, Parameter("weight"), Parameter("bias"), Eps);
}
