using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

/// <summary>Linear algebra, as in <c>torch.linalg</c>: one native call into the ATen op PyTorch itself uses (LAPACK on CPU, cuSOLVER on CUDA).</summary>
public static class Linalg
{
    /// <summary>
    /// Singular value decomposition <c>a = U · diag(S) · Vh</c> of a matrix [m, n] (or a batch [..., m, n]), singular values in
    /// descending order, as <c>torch.linalg.svd</c>. Reduced by default: U [m, k], S [k], Vh [k, n] with k = min(m, n);
    /// <paramref name="fullMatrices"/> gives square U [m, m] and Vh [n, n]. The three results are new tensors the caller owns.
    /// Singular vectors are unique only up to sign (and rotation within repeated singular values): compare products, not factors.
    /// </summary>
    /// <exception cref="TorchException">The input is not at least 2-D, not floating point, or holds NaN/infinity (LAPACK does not converge).</exception>
    public static unsafe (Tensor U, Tensor S, Tensor Vh) Svd(Tensor a, bool fullMatrices = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        IntPtr u, s, vh;
        NativeMethods.Check(NativeMethods.ft_linalg_svd(a.Handle, fullMatrices ? 1 : 0, &u, &s, &vh));
        GC.KeepAlive(a);
        return (Tensor.Wrap(u), Tensor.Wrap(s), Tensor.Wrap(vh));
    }
}
