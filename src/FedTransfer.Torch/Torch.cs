using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

/// <summary>Process-wide libtorch settings and scopes.</summary>
public static class Torch
{
    /// <summary>Number of live native tensor handles (created and not yet disposed or finalized), for leak tests.</summary>
    public static long LiveTensorCount => Tensor.LiveCount;

    /// <summary>Whether autograd records operations on the calling thread.</summary>
    public static bool IsGradEnabled => NativeMethods.ft_grad_mode_enabled() != 0;

    /// <summary>Seeds the global CPU generator and every visible CUDA generator.</summary>
    public static void ManualSeed(long seed) => NativeMethods.Check(NativeMethods.ft_manual_seed(seed));

    /// <summary>
    /// Sets the number of threads libtorch uses for intra-op parallelism (process-wide), OpenBLAS's GEMM threads included
    /// (PyTorch's torch.set_num_threads leaves those at one per core).
    /// </summary>
    public static void SetNumThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        NativeMethods.Check(NativeMethods.ft_set_num_threads(threads));
    }

    /// <summary>Number of threads libtorch uses for intra-op parallelism.</summary>
    public static int GetNumThreads()
    {
        var n = NativeMethods.ft_get_num_threads();
        return n > 0 ? n : throw NativeMethods.ThrowLastError();
    }

    /// <summary>True when libtorch was built with CUDA and a GPU is visible.</summary>
    public static bool CudaIsAvailable() => NativeMethods.ft_cuda_is_available() != 0;

    /// <summary>Number of visible CUDA devices (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount() => NativeMethods.ft_cuda_device_count();

    /// <summary>Turns autograd off on the calling thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Turns autograd on on the calling thread until the returned scope is disposed (inside a NoGrad block).</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    /// <summary>Opens a dispose scope on the calling thread; see <see cref="DisposeScope"/>.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> so their joint L2 norm is at most
    /// <paramref name="maxNorm"/> (torch.nn.utils.clip_grad_norm_). Returns the norm before clipping.
    /// Parameters without a gradient are ignored.
    /// </summary>
    public static unsafe double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters as IReadOnlyList<Tensor> ?? parameters.ToList();
        var handles = new IntPtr[list.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = list[i].Handle;
        }

        double total;
        fixed (IntPtr* h = handles)
        {
            NativeMethods.Check(NativeMethods.ft_clip_grad_norm(h, handles.Length, maxNorm, &total));
        }

        GC.KeepAlive(list);
        return total;
    }
}
