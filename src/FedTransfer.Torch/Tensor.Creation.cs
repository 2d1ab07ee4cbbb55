using System.Runtime.InteropServices;
using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

public sealed partial class Tensor
{
    /// <summary>Copies float32 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<float> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies float64 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<double> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies int64 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<long> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies int32 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<int> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies float16 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<Half> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies bfloat16 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<BFloat16> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies uint8 data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<byte> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>Copies bool data into a new CPU tensor; <paramref name="shape"/> defaults to [data.Length].</summary>
    public static Tensor From(ReadOnlySpan<bool> data, params long[] shape) => FromSpan(data, shape);

    /// <summary>
    /// A new CPU tensor from raw little-endian bytes laid out row-major (what <see cref="ToBytes"/> and safetensors hold).
    /// </summary>
    /// <exception cref="ArgumentException">The byte count is not numel × element size.</exception>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> data, DType dtype, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var expected = checked(Shapes.NumElements(shape, nameof(shape)) * dtype.ElementSize());
        if (data.Length != expected)
        {
            throw new ArgumentException(
                $"{data.Length} bytes given but a {dtype.ToTorchName()} tensor of shape {Shapes.Format(shape)} needs {expected}",
                nameof(data));
        }

        fixed (byte* d = data)
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.ft_from_data(d, s, shape.Length, (int)dtype));
        }
    }

    /// <summary>An uninitialised tensor.</summary>
    public static unsafe Tensor Empty(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_empty(s, shape.Length, (int)dtype, dt, di));
        }
    }

    /// <summary>A tensor of zeros.</summary>
    public static unsafe Tensor Zeros(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_zeros(s, shape.Length, (int)dtype, dt, di));
        }
    }

    /// <summary>A tensor of ones.</summary>
    public static unsafe Tensor Ones(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_ones(s, shape.Length, (int)dtype, dt, di));
        }
    }

    /// <summary>A tensor filled with <paramref name="value"/>. An empty shape gives a scalar (0-dimensional) tensor.</summary>
    public static unsafe Tensor Full(long[] shape, double value, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_full(s, shape.Length, value, (int)dtype, dt, di));
        }
    }

    /// <summary>Standard normal samples from the global generator (see <see cref="Torch.ManualSeed"/>).</summary>
    public static unsafe Tensor Randn(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_randn(s, shape.Length, (int)dtype, dt, di));
        }
    }

    /// <summary>Uniform samples in [0, 1) from the global generator.</summary>
    public static unsafe Tensor Rand(long[] shape, DType dtype = DType.Float32, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        fixed (long* s = Shapes.Checked(shape))
        {
            return Wrap(NativeMethods.ft_rand(s, shape.Length, (int)dtype, dt, di));
        }
    }

    /// <summary>0, 1, ..., n-1 (int64 unless another dtype is asked for).</summary>
    public static Tensor Arange(long n, DType dtype = DType.Int64, Device? device = null)
    {
        var (dt, di) = NativeDevice(device);
        return Wrap(NativeMethods.ft_arange(n, (int)dtype, dt, di));
    }

    private static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, long[]? shape)
        where T : unmanaged
    {
        shape = shape is null || shape.Length == 0 ? [data.Length] : shape;
        var n = Shapes.NumElements(shape, nameof(shape));
        if (n != data.Length)
        {
            throw new ArgumentException(
                $"data has {data.Length} elements but shape {Shapes.Format(shape)} needs {n}", nameof(data));
        }

        fixed (T* d = data)
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.ft_from_data(d, s, shape.Length, (int)DTypeExtensions.Of<T>()));
        }
    }

    private static (int Type, int Index) NativeDevice(Device? device)
    {
        var d = device ?? Device.Cpu;
        return ((int)d.Type, d.Index);
    }
}
