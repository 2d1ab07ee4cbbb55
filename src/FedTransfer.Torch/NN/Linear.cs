namespace FedTransfer.Torch.NN;

/// <summary>Fully connected layer <c>y = x Wᵀ + b</c> with PyTorch's default (Kaiming-uniform) initialisation. Tensors: <c>weight</c> [out, in], <c>bias</c> [out].</summary>
public sealed class Linear : Module
{
    /// <summary>Creates a layer with freshly initialised weights.</summary>
    public Linear(long inFeatures, long outFeatures, bool bias = true)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear needs positive sizes, got in={inFeatures}, out={outFeatures}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight", Init.KaimingUniform([outFeatures, inFeatures], inFeatures));
        if (bias)
            RegisterParameter("bias", Init.Uniform([outFeatures], 1.0 / Math.Sqrt(inFeatures)));
    }

    /// <summary>Builds a layer around existing tensors (takes ownership), e.g. after merging an adapter into the weight.</summary>
    internal Linear(Tensor weight, Tensor? bias)
    {
        if (weight.Dim != 2)
            throw new ArgumentException($"Linear weight must be 2-D [out, in], got [{string.Join(", ", weight.Shape)}]", nameof(weight));
        OutFeatures = weight.Shape[0];
        InFeatures = weight.Shape[1];
        RegisterParameter("weight", weight);
        if (bias is not null)
            RegisterParameter("bias", bias);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The [out, in] weight.</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary>The [out] bias, or null when built without one.</summary>
    public Tensor? Bias => TryParameter("bias");

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Functional.Linear(input, Weight, Bias);
}
