using System.Globalization;

namespace FedTransfer.Torch;

/// <summary>Kind of device a tensor lives on. Values equal c10::DeviceType.</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,

    /// <summary>An NVIDIA GPU.</summary>
    Cuda = 1,
}

/// <summary>A device: <c>cpu</c> or <c>cuda:N</c>. <c>default(Device)</c> is the CPU.</summary>
public readonly record struct Device
{
    // Zero for the CPU so that default(Device) == Device.Cpu under the record's field-wise equality.
    private readonly int _ordinal;

    private Device(DeviceType type, int ordinal)
    {
        Type = type;
        _ordinal = ordinal;
    }

    /// <summary>The host CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu, 0);

    /// <summary>Kind of device.</summary>
    public DeviceType Type { get; }

    /// <summary>GPU ordinal for CUDA; -1 for the CPU (libtorch's convention).</summary>
    public int Index => IsCuda ? _ordinal : -1;

    /// <summary>True for a CUDA device.</summary>
    public bool IsCuda => Type == DeviceType.Cuda;

    /// <summary>The CUDA device with the given ordinal.</summary>
    public static Device Cuda(int index = 0) =>
        index >= 0 ? new Device(DeviceType.Cuda, index)
        : throw new ArgumentOutOfRangeException(nameof(index), index, "CUDA device index must be >= 0");

    /// <summary>
    /// Parses "cpu", "cuda", "cuda:N" or "auto" (CUDA device 0 when CUDA is available, else the CPU); case-insensitive.
    /// </summary>
    /// <exception cref="FormatException">The text is none of those.</exception>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim().ToLowerInvariant();
        if (s == "cpu")
        {
            return Cpu;
        }

        if (s == "auto")
        {
            return Torch.CudaIsAvailable() ? Cuda(0) : Cpu;
        }

        if (s == "cuda")
        {
            return Cuda(0);
        }

        if (s.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return Cuda(index);
        }

        throw new FormatException($"unknown device '{text}': expected cpu, cuda, cuda:N or auto");
    }

    /// <summary>"cpu" or "cuda:N", as PyTorch prints devices.</summary>
    public override string ToString() => IsCuda ? $"cuda:{Index}" : "cpu";

    internal static Device FromNative(int type, int index) =>
        type == (int)DeviceType.Cuda ? new Device(DeviceType.Cuda, Math.Max(index, 0))
        : type == (int)DeviceType.Cpu ? Cpu
        : throw new TorchException($"tensor is on an unsupported device type {type}");
}
