using FedTransfer.Models.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests;

public sealed class CudaTests
{
    [CudaFact]
    public void TrainingStep_OnCuda_MatchesCpu()
    {
        using var scope = NewDisposeScope();
        var gpu = new Device(DeviceType.CUDA, 0);
        Engine.Seed(2);
        var x = randn(4, 5, ScalarType.Float64);
        var y = tensor(new long[] { 0, 2, 1, 2 });
        var wCpu = new TorchSharp.Modules.Parameter(randn(3, 5, ScalarType.Float64));
        var wCuda = new TorchSharp.Modules.Parameter(wCpu.detach().to(gpu));
        using var optCpu = optim.AdamW([wCpu], lr: 0.1);
        using var optCuda = optim.AdamW([wCuda], lr: 0.1);

        nn.functional.cross_entropy(nn.functional.linear(x, wCpu), y).backward();
        optCpu.step();
        nn.functional.cross_entropy(nn.functional.linear(x.to(gpu), wCuda), y.to(gpu)).backward();
        optCuda.step();

        Assert.Equal(DeviceType.CUDA, wCuda.device_type);
        Approx.Equal(wCpu.detach().data<double>().ToArray(), wCuda.detach().cpu().data<double>().ToArray(), 1e-10);
    }

    [Fact]
    public void ParseDevice_Auto_IsCudaExactlyWhenCudaIsAvailable()
    {
        var device = Engine.ParseDevice("auto");

        Assert.Equal(cuda.is_available(), device.IsCuda());
    }
}
