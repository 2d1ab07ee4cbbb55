using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_linear(IntPtr x, IntPtr w, IntPtr b);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_conv2d(IntPtr x, IntPtr w, IntPtr b, long strideH, long strideW, long padH, long padW);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_layer_norm(IntPtr x, long* shape, int n, IntPtr w, IntPtr b, double eps);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_dropout(IntPtr x, double p, int training);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_embedding(IntPtr indices, IntPtr weight);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_cross_entropy(IntPtr logits, IntPtr targets, double labelSmoothing);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_cat(IntPtr* tensors, int n, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_stack(IntPtr* tensors, int n, long dim);

    [LibraryImport(LibraryName)]
    internal static partial IntPtr ft_attention(IntPtr q, IntPtr k, IntPtr v, double scale, double dropoutP, int training);
}
