namespace FedTransfer.Models.Tests.Support;

/// <summary>A fact that skips itself, with a reason, on machines without a usable CUDA device.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!TorchSharp.torch.cuda.is_available())
        {
            Skip = "CUDA not available: no GPU here, or a TorchSharp-cpu build (GPU sites build with -p:TorchBackend=cuda)";
        }
    }
}
