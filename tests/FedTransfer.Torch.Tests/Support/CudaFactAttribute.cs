namespace FedTransfer.Torch.Tests.Support;

/// <summary>A fact that skips itself, with a reason, on machines without a usable CUDA device.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!Torch.CudaIsAvailable())
        {
            Skip = "CUDA not available on this machine";
        }
    }
}
