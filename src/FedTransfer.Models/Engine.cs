using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models;

/// <summary>Process-wide engine settings: the device a setting names, intra-op threads and seeds.</summary>
public static class Engine
{
    /// <summary>
    /// The device a setting names: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (CUDA device 0 when
    /// <c>torch.cuda.is_available()</c>, else the CPU); case-insensitive.
    /// </summary>
    /// <exception cref="FormatException">The text is none of those.</exception>
    public static Device ParseDevice(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "auto") return cuda.is_available() ? new Device(DeviceType.CUDA, 0) : CPU;
        if (s == "cuda") return new Device(DeviceType.CUDA, 0);
        if (s.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return new Device(DeviceType.CUDA, index);
        throw new FormatException($"unknown device '{text}': expected cpu, cuda, cuda:N or auto");
    }

    /// <summary>True for a CUDA device.</summary>
    public static bool IsCuda(this Device device) => device.type == DeviceType.CUDA;

    /// <summary>"cpu" or "cuda:N", as PyTorch prints devices.</summary>
    public static string Describe(this Device device) => device.type == DeviceType.CUDA ? $"cuda:{Math.Max(device.index, 0)}" : "cpu";

    /// <summary>Sets libtorch's intra-op threads (process-wide); at least one.</summary>
    public static void SetThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        set_num_threads(threads);
    }

    /// <summary>libtorch's intra-op threads.</summary>
    public static int Threads => get_num_threads();

    /// <summary>Seeds the CPU generator and, when there is one, every CUDA generator.</summary>
    public static void Seed(long seed)
    {
        random.manual_seed(seed);
        if (cuda.is_available()) cuda.manual_seed_all(seed);
    }

    /// <summary>Tensors created on the calling thread and not yet disposed, for leak tests.</summary>
    public static long LiveTensorsOnThisThread => DisposeScopeManager.Statistics.ThreadTotalLiveCount;
}
