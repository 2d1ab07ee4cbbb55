using FedTransfer.Models.NN;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.Adapters;

/// <summary>
/// A Linear layer with a low-rank update (LoRA, Hu et al. 2021): <c>y = x Wᵀ + b + scale · dropout(x) Aᵀ Bᵀ</c> with
/// <c>lora_a</c> [r, in] Kaiming-uniform and <c>lora_b</c> [out, r] zero, so before training it computes exactly what the base
/// layer computes. Keeps the base tensor names (<c>weight</c>, <c>bias</c>) so the backbone's checkpoint still loads.
/// </summary>
public sealed class LoraLinear : TransferModule
{
    private readonly double _dropout;

    /// <summary>Wraps <paramref name="baseLayer"/>, taking over its tensors (do not dispose the base layer afterwards).</summary>
    public LoraLinear(Linear baseLayer, int rank, double alpha, double dropout = 0) : base(nameof(LoraLinear))
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        InFeatures = baseLayer.in_features;
        OutFeatures = baseLayer.out_features;
        if (rank <= 0 || rank > Math.Min(InFeatures, OutFeatures))
            throw new ArgumentOutOfRangeException(nameof(rank), $"LoRA rank {rank} must be in 1..{Math.Min(InFeatures, OutFeatures)} for a {InFeatures}->{OutFeatures} layer");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), $"LoRA dropout must be in [0, 1), got {dropout}");
        Rank = rank;
        Scale = alpha / rank;
        _dropout = dropout;
        var weight = baseLayer.weight;
        var device = weight.device;
        AddParameter("weight", weight);
        if (baseLayer.bias is { } bias)
            AddParameter("bias", bias);
        var bound = 1.0 / Math.Sqrt(InFeatures);
        using (no_grad())
        {
            AddParameter("lora_a", empty(rank, InFeatures, device: device).uniform_(-bound, bound));
            AddParameter("lora_b", zeros(OutFeatures, rank, device: device));
        }
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
    public Parameter Weight => Param("weight");

    /// <summary>The base bias, if any.</summary>
    public Parameter? Bias => TryParam("bias");

    /// <summary>Down-projection A [r, in].</summary>
    public Parameter LoraA => Param("lora_a");

    /// <summary>Up-projection B [out, r].</summary>
    public Parameter LoraB => Param("lora_b");

    /// <summary>False once <see cref="FreezeA"/> fixed A: only B is trained (FFA-LoRA).</summary>
    public bool TrainsA { get; private set; } = true;

    /// <summary>
    /// Replaces A with <paramref name="values"/> ([r, in] row-major) and stops training it, for FFA-LoRA
    /// (<c>agg=frozen-a</c>): A then never changes and is not part of the trainable set.
    /// </summary>
    public void FreezeA(ReadOnlySpan<float> values)
    {
        if (values.Length != Rank * InFeatures)
            throw new ArgumentException($"frozen A needs {Rank}x{InFeatures} = {Rank * InFeatures} values, got {values.Length}", nameof(values));
        using (no_grad())
        using (NewDisposeScope())
            LoraA.copy_(tensor(values.ToArray(), [Rank, InFeatures]).to(LoraA.device));
        LoraA.requires_grad = false;
        TrainsA = false;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var y = nn.functional.linear(input, Weight, Bias);
        var x = training && _dropout > 0 ? nn.functional.dropout(input, _dropout, training: true) : input;
        var update = nn.functional.linear(nn.functional.linear(x, LoraA), LoraB);
        // In-place accumulate with alpha saves a separate scale op and a temporary; linear's backward does not need y.
        return y.add_(update, Scale);
    }

    /// <summary>
    /// Folds the update into the base weight in place (<c>W += scale · B A</c>) and returns a plain Linear that owns the merged
    /// weight and the bias. <c>lora_a</c>/<c>lora_b</c> are disposed; this layer must not be used afterwards.
    /// </summary>
    public Linear Merge()
    {
        var weight = Weight;
        var bias = Bias;
        using (no_grad())
        using (NewDisposeScope())
            weight.add_(LoraB.matmul(LoraA), Scale);
        var linear = nn.Linear(weight, bias);
        LoraA.Dispose();
        LoraB.Dispose();
        ReleaseParameters();
        return linear;
    }
}
