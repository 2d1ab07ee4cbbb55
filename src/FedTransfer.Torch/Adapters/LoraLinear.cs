using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Adapters;

/// <summary>
/// A Linear layer with a low-rank update (LoRA, Hu et al. 2021): <c>y = x Wᵀ + b + scale · dropout(x) Aᵀ Bᵀ</c> with
/// <c>lora_a</c> [r, in] Kaiming-uniform and <c>lora_b</c> [out, r] zero, so before training it computes exactly what the base
/// layer computes. Keeps the base tensor names (<c>weight</c>, <c>bias</c>) so the backbone's checkpoint still loads.
/// </summary>
public sealed class LoraLinear : Module
{
    private readonly double _dropout;

    /// <summary>Wraps <paramref name="baseLayer"/>, taking over its tensors (do not dispose the base layer afterwards).</summary>
    public LoraLinear(Linear baseLayer, int rank, double alpha, double dropout = 0)
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        if (rank <= 0 || rank > Math.Min(baseLayer.InFeatures, baseLayer.OutFeatures))
            throw new ArgumentOutOfRangeException(nameof(rank), $"LoRA rank {rank} must be in 1..{Math.Min(baseLayer.InFeatures, baseLayer.OutFeatures)} for a {baseLayer.InFeatures}->{baseLayer.OutFeatures} layer");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"LoRA dropout must be in [0, 1), got {dropout}");
        InFeatures = baseLayer.InFeatures;
        OutFeatures = baseLayer.OutFeatures;
        Rank = rank;
        Scale = alpha / rank;
        _dropout = dropout;
        var device = baseLayer.Weight.Device;
        RegisterParameter("weight", baseLayer.Weight).RequiresGrad = baseLayer.Weight.RequiresGrad;
        if (baseLayer.Bias is { } bias)
            RegisterParameter("bias", bias).RequiresGrad = bias.RequiresGrad;
        var a = Tensor.Empty([rank, InFeatures], DType.Float32, device);
        a.UniformInPlace(-1.0 / Math.Sqrt(InFeatures), 1.0 / Math.Sqrt(InFeatures));
        RegisterParameter("lora_a", a);
        RegisterParameter("lora_b", Tensor.Zeros([OutFeatures, rank], DType.Float32, device));
        baseLayer.ReleaseTensors();
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>Rank r of the update.</summary>
    public int Rank { get; }

    /// <summary>alpha / r.</summary>
    public double Scale { get; }

    /// <summary>The frozen base weight [out, in].</summary>
    public Tensor Weight => Parameter("weight");

    /// <summary>The base bias, if any.</summary>
    public Tensor? Bias => TryParameter("bias");

    /// <summary>Down-projection A [r, in].</summary>
    public Tensor LoraA => Parameter("lora_a");

    /// <summary>Up-projection B [out, r].</summary>
    public Tensor LoraB => Parameter("lora_b");

    /// <summary>False once <see cref="FreezeA"/> fixed A: only B is trained (FFA-LoRA).</summary>
    public bool TrainsA { get; private set; } = true;

    /// <summary>
    /// Replaces A with <paramref name="values"/> ([r, in] row-major) and stops training it, for FFA-LoRA
    /// (<see cref="LoraAggregation.FrozenA"/>): A then never changes and is not part of the trainable set.
    /// </summary>
    public void FreezeA(ReadOnlySpan<float> values)
    {
        if (values.Length != Rank * InFeatures)
            throw new ArgumentException($"frozen A needs {Rank}x{InFeatures} = {Rank * InFeatures} values, got {values.Length}", nameof(values));
        using (Torch.NoGrad())
        using (Torch.NewDisposeScope())
            LoraA.CopyFrom(Tensor.From(values, Rank, InFeatures).To(LoraA.Device));
        LoraA.RequiresGrad = false;
        TrainsA = false;
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var y = Functional.Linear(input, Weight, Bias);
        var x = IsTraining && _dropout > 0 ? Functional.Dropout(input, _dropout, training: true) : input;
        var update = Functional.Linear(Functional.Linear(x, LoraA), LoraB);
        // In-place accumulate with alpha saves a separate scale op and a temporary; linear's backward does not need y.
        y.AddInPlace(update, Scale);
        return y;
    }

    /// <summary>
    /// Folds the update into the base weight in place (<c>W += scale · B A</c>) and returns a plain <see cref="Linear"/> that
    /// owns the merged weight and the bias. <c>lora_a</c>/<c>lora_b</c> are disposed; this layer must not be used afterwards.
    /// </summary>
    public Linear Merge()
    {
        var weight = Weight;
        var bias = Bias;
        bool weightGrad = weight.RequiresGrad, biasGrad = bias?.RequiresGrad ?? false;
        using (Torch.NoGrad())
        using (Torch.NewDisposeScope())
            weight.AddInPlace(LoraB.MatMul(LoraA), Scale);
        var linear = new Linear(weight, bias);
        weight.RequiresGrad = weightGrad;
        if (bias is not null)
            bias.RequiresGrad = biasGrad;
        LoraA.Dispose();
        LoraB.Dispose();
        ReleaseTensors();
        return linear;
    }
}
