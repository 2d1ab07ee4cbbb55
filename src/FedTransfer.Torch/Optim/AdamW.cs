using FedTransfer.Torch.Native;

namespace FedTransfer.Torch.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", ICLR 2019): Adam with the weight
/// decay applied to the parameters directly (p ← p·(1 − lr·wd)) rather than through the gradient.
/// Same update as torch.optim.AdamW.
/// </summary>
public sealed class AdamW : Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    public unsafe AdamW(IEnumerable<Tensor> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
        : base(Create(parameters, (h, n) => NativeMethods.ft_adamw_new(h, n, lr, beta1, beta2, eps, weightDecay)))
    {
    }
}
