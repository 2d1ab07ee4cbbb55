namespace FedTransfer.Torch.NN;

/// <summary>Parameter initialisers matching PyTorch's defaults, so a model built here trains like its PyTorch twin.</summary>
internal static class Init
{
    /// <summary>
    /// <c>kaiming_uniform_(w, a=sqrt(5))</c>, PyTorch's default for Linear and Conv2d weights: gain sqrt(2/(1+a²)) = sqrt(1/3),
    /// so the bound collapses to 1/sqrt(fan_in).
    /// </summary>
    public static Tensor KaimingUniform(long[] shape, long fanIn)
    {
        var bound = 1.0 / Math.Sqrt(fanIn);
        return Uniform(shape, bound);
    }

    /// <summary>Uniform in [-bound, bound]; PyTorch's default bias init uses bound = 1/sqrt(fan_in).</summary>
    public static Tensor Uniform(long[] shape, double bound)
    {
        var t = Tensor.Empty(shape);
        t.UniformInPlace(-bound, bound);
        return t;
    }

    /// <summary>Normal(0, std) truncated to ±2 std, the ViT convention for position embeddings and the class token.</summary>
    public static Tensor TruncatedNormal(long[] shape, double std)
    {
        var t = Tensor.Empty(shape);
        t.NormalInPlace(0, std);
        using (Torch.NewDisposeScope())
        {
            var clamped = t.Clamp(-2 * std, 2 * std);
            t.CopyFrom(clamped);
        }
        return t;
    }
}
