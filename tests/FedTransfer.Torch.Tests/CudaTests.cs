using FedTransfer.Torch.Optim;
using FedTransfer.Torch.Tests.Support;
using F = FedTransfer.Torch.Functional;

namespace FedTransfer.Torch.Tests;

public sealed class CudaTests
{
    [CudaFact]
    public void TrainingStep_OnCuda_MatchesCpu()
    {
        using var scope = Torch.NewDisposeScope();
        var cuda = Device.Cuda();
        Torch.ManualSeed(2);
        var wCpu = Tensor.Randn([3, 5], DType.Float64);
        var x = Tensor.Randn([4, 5], DType.Float64);
        var y = Tensor.From([0L, 2L, 1L, 2L]);
        var wCuda = wCpu.To(cuda).Detach();
        wCpu.RequiresGrad = true;
        wCuda.RequiresGrad = true;
        using var optCpu = new AdamW([wCpu], lr: 0.1);
        using var optCuda = new AdamW([wCuda], lr: 0.1);

        F.CrossEntropy(F.Linear(x, wCpu), y).Backward();
        optCpu.Step();
        F.CrossEntropy(F.Linear(x.To(cuda), wCuda), y.To(cuda)).Backward();
        optCuda.Step();

        Assert.Equal(cuda, wCuda.Device);
        Approx.Equal(wCpu.Detach().ToArray<double>(), wCuda.Detach().ToArray<double>(), 1e-10);
    }

    [Fact]
    public void Zeros_OnCudaDeviceThatIsNotThere_ThrowsOneLineMessage()
    {
        // One past the last visible device: absent on every machine, GPU or not.
        var missing = Device.Cuda(Torch.CudaDeviceCount());

        var e = Assert.Throws<TorchException>(() => Tensor.Zeros([1], device: missing));

        Assert.Contains($"{missing} requested but", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        using var stillWorks = Tensor.Zeros([1]);
    }
}
