using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

/// <summary>
/// Sets autograd recording on or off for the calling thread and restores the previous setting when disposed
/// (what PyTorch's torch.no_grad() does). Dispose it on the thread that created it.
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled) => _previous = NativeMethods.ft_grad_mode_set(enabled ? 1 : 0) != 0;

    /// <summary>Restores the grad mode that was in effect when the scope was created. Idempotent.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            NativeMethods.ft_grad_mode_set(_previous ? 1 : 0);
        }
    }
}
