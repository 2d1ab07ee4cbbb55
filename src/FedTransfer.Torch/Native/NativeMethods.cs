using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

[assembly: DisableRuntimeMarshalling]

namespace FedTransfer.Torch.Native;

/// <summary>
/// P/Invoke surface of libfedtorch (src/FedTransfer.Torch/native/include/fedtorch.h), split by theme over
/// partial files. Every argument is blittable so the source generator emits a direct call with no marshalling.
/// A null handle or a -1 status means failure; <see cref="ThrowLastError"/> turns the native message into a
/// <see cref="TorchException"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const string LibraryName = "fedtorch";

    [LibraryImport(LibraryName)]
    internal static partial byte* ft_last_error();

    [LibraryImport(LibraryName)]
    internal static partial void ft_tensor_free(IntPtr t);

    /// <summary>Throws the calling thread's last native error.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static Exception ThrowLastError()
    {
        var message = Marshal.PtrToStringUTF8((IntPtr)ft_last_error());
        throw new TorchException(string.IsNullOrEmpty(message) ? "libtorch call failed without a message" : message);
    }

    /// <summary>Checks a status code returned by an int export.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status)
    {
        if (status != 0)
        {
            ThrowLastError();
        }
    }

    /// <summary>Checks a handle returned by a tensor export.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static IntPtr Check(IntPtr handle)
    {
        if (handle == IntPtr.Zero)
        {
            ThrowLastError();
        }

        return handle;
    }
}
