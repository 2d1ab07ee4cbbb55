using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int ft_backward(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial int ft_grad(IntPtr t, IntPtr* output);

    [LibraryImport(LibraryName)]
    internal static partial int ft_set_requires_grad(IntPtr t, int requiresGrad);

    [LibraryImport(LibraryName)]
    internal static partial int ft_zero_grad(IntPtr t);

    // Grad mode is a thread-local flag: no GC transition needed.
    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_grad_mode_set(int enabled);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_grad_mode_enabled();
}
