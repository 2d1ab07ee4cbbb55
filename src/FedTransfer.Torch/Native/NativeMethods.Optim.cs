using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_adamw_new(IntPtr* parameters, int n, double lr, double beta1, double beta2, double eps, double weightDecay);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sgd_new(IntPtr* parameters, int n, double lr, double momentum, double weightDecay);

    [LibraryImport(LibraryName)]
    internal static partial int ft_optim_step(IntPtr o);

    [LibraryImport(LibraryName)]
    internal static partial int ft_optim_zero_grad(IntPtr o);

    [LibraryImport(LibraryName)]
    internal static partial int ft_optim_get_lr(IntPtr o, double* output);

    [LibraryImport(LibraryName)]
    internal static partial int ft_optim_set_lr(IntPtr o, double lr);

    [LibraryImport(LibraryName)]
    internal static partial void ft_optim_free(IntPtr o);

    [LibraryImport(LibraryName)]
    internal static partial int ft_clip_grad_norm(IntPtr* parameters, int n, double maxNorm, double* totalNorm);
}
