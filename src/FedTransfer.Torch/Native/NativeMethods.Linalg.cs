using System.Runtime.InteropServices;

namespace FedTransfer.Torch.Native;

internal static unsafe partial class NativeMethods
{
    [LibraryImport(LibraryName)]
    internal static partial int ft_linalg_svd(IntPtr a, int fullMatrices, IntPtr* u, IntPtr* s, IntPtr* vh);
}
