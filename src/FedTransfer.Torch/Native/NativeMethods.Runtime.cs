using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int ft_set_num_threads(int n);

    [LibraryImport(LibraryName)]
    internal static partial int ft_get_num_threads();

    [LibraryImport(LibraryName)]
    internal static partial int ft_manual_seed(long seed);

    [LibraryImport(LibraryName)]
    internal static partial int ft_cuda_is_available();

    [LibraryImport(LibraryName)]
    internal static partial int ft_cuda_device_count();

    // Metadata reads are a few loads each; skipping the GC transition halves their cost.
    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_dim(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial long ft_numel(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_sizes(IntPtr t, long* output, int capacity);

    [LibraryImport(LibraryName)]
    internal static partial long ft_size(IntPtr t, int dim);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_dtype(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_element_size(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_device_type(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_device_index(IntPtr t);

    [LibraryImport(LibraryName), SuppressGCTransition]
    internal static partial int ft_requires_grad(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial int ft_is_leaf(IntPtr t);
}
