using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_from_data(void* data, long* shape, int ndim, int dtype);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_empty(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_zeros(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_ones(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_full(long* shape, int ndim, double value, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_randn(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_rand(long* shape, int ndim, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_arange(long n, int dtype, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_to_device(IntPtr t, int deviceType, int deviceIndex);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_to_dtype(IntPtr t, int dtype);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_clone(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_detach(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_contiguous(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_alias(IntPtr t);

    [LibraryImport(LibraryName)]
    internal static partial int ft_copy_to_host(IntPtr t, void* destination, long byteCount);

    [LibraryImport(LibraryName)]
    internal static partial int ft_item_double(IntPtr t, double* output);

    [LibraryImport(LibraryName)]
    internal static partial int ft_item_int64(IntPtr t, long* output);
}
