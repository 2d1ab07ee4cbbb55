using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_add(IntPtr a, IntPtr b, double alpha);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sub(IntPtr a, IntPtr b, double alpha);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_mul(IntPtr a, IntPtr b);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_div(IntPtr a, IntPtr b);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_add_scalar(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_mul_scalar(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_div_scalar(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_rsub_scalar(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_rdiv_scalar(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_matmul(IntPtr a, IntPtr b);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_neg(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_exp(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_log(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sqrt(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_abs(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_tanh(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sigmoid(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_relu(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_gelu(IntPtr a, int tanhApproximation);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_pow_scalar(IntPtr a, double exponent);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_clamp(IntPtr a, int hasMin, double min, int hasMax, double max);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_softmax(IntPtr a, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_log_softmax(IntPtr a, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_reshape(IntPtr a, long* shape, int n);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_view(IntPtr a, long* shape, int n);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_permute(IntPtr a, long* dims, int n);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_expand(IntPtr a, long* shape, int n);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_transpose(IntPtr a, long d0, long d1);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_unsqueeze(IntPtr a, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_squeeze(IntPtr a, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_flatten(IntPtr a, long startDim, long endDim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_slice(IntPtr a, long dim, long start, long end, long step);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_select(IntPtr a, long dim, long index);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_index_select(IntPtr a, long dim, IntPtr index);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sum(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_sum_dims(IntPtr a, long* dims, int n, int keepdim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_mean(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_mean_dims(IntPtr a, long* dims, int n, int keepdim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_max(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_argmax(IntPtr a, long dim, int keepdim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_eq(IntPtr a, IntPtr b);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_norm(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial int ft_all_finite(IntPtr a, int* output);

    [LibraryImport(LibraryName)]
    internal static partial int ft_equal(IntPtr a, IntPtr b, int* output);

    [LibraryImport(LibraryName)]
    internal static partial int ft_add_(IntPtr a, IntPtr b, double alpha);

    [LibraryImport(LibraryName)]
    internal static partial int ft_mul_scalar_(IntPtr a, double s);

    [LibraryImport(LibraryName)]
    internal static partial int ft_copy_(IntPtr dst, IntPtr src);

    [LibraryImport(LibraryName)]
    internal static partial int ft_zero_(IntPtr a);

    [LibraryImport(LibraryName)]
    internal static partial int ft_fill_(IntPtr a, double value);

    [LibraryImport(LibraryName)]
    internal static partial int ft_normal_(IntPtr a, double mean, double std);

    [LibraryImport(LibraryName)]
    internal static partial int ft_uniform_(IntPtr a, double lo, double hi);
}
