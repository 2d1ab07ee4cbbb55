using FedTransfer.Torch.Native;

namespace FedTransfer.Torch.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum and (L2, coupled) weight decay, as torch.optim.SGD:
/// g ← grad + wd·p; buf ← momentum·buf + g (buf = g on the first step); p ← p − lr·buf.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    public unsafe Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double weightDecay = 0)
        : base(Create(parameters, (h, n) => NativeMethods.ft_sgd_new(h, n, lr, momentum, weightDecay)))
    {
    }
}
