namespace FedTransfer.Torch.Tests;

public sealed class TensorCreationTests
{
    [Fact]
    public void From_Float32_RoundTrips()
    {
        float[] data = [1.5f, -2.25f, 3e-8f, float.MaxValue, 0f, -0f];

        using var t = Tensor.From(data, 2, 3);

        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new long[] { 2, 3 }, t.Shape);
        Assert.Equal(data, t.ToArray<float>());
    }

    [Fact]
    public void From_Float16_RoundTripsBitExact()
    {
        Half[] data = [(Half)1.5f, (Half)(-0.333f), Half.MaxValue, Half.Epsilon];

        using var t = Tensor.From(data);

        Assert.Equal(DType.Float16, t.DType);
        Assert.Equal(data, t.ToArray<Half>());
    }

    [Fact]
    public void From_BFloat16_RoundTripsAndConvertsLikeLibtorch()
    {
        BFloat16[] data = [(BFloat16)1.5f, (BFloat16)(-3.140625f), (BFloat16)1e30f];

        using var t = Tensor.From(data);
        using var asFloat = t.To(DType.Float32);

        Assert.Equal(DType.BFloat16, t.DType);
        Assert.Equal(data, t.ToArray<BFloat16>());
        Assert.Equal(data.Select(b => b.ToSingle()).ToArray(), asFloat.ToArray<float>());
    }

    [Fact]
    public void From_Int64_RoundTrips()
    {
        long[] data = [long.MinValue, -1, 0, 1, long.MaxValue, 42];

        using var t = Tensor.From(data, 3, 2);

        Assert.Equal(DType.Int64, t.DType);
        Assert.Equal(data, t.ToArray<long>());
    }

    [Fact]
    public void From_ShapeDisagreesWithData_ThrowsNamingBoth()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.From([1f, 2f, 3f], 2, 2));

        Assert.Contains("3 elements", e.Message);
        Assert.Contains("[2, 2]", e.Message);
    }

    [Fact]
    public void FromBytes_ToBytes_RoundTripInEachDType()
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float16, DType.BFloat16, DType.Int64, DType.UInt8 })
        {
            var bytes = Enumerable.Range(0, 6 * dtype.ElementSize()).Select(i => (byte)(i * 7 % 60)).ToArray();

            using var t = Tensor.FromBytes(bytes, dtype, [2, 3]);

            Assert.Equal(dtype, t.DType);
            Assert.Equal(bytes, t.ToBytes());
        }
    }

    [Fact]
    public void FromBytes_WrongLength_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Tensor.FromBytes(new byte[10], DType.Float32, [3]));
    }

    [Fact]
    public void Factories_ZerosOnesFullArange_HaveExpectedValues()
    {
        using var zeros = Tensor.Zeros([2, 2]);
        using var ones = Tensor.Ones([3], DType.Int64);
        using var full = Tensor.Full([2], 2.5, DType.Float64);
        using var scalar = Tensor.Full([], 7);
        using var range = Tensor.Arange(4);
        using var empty = Tensor.Empty([0, 5]);

        Assert.Equal(new float[4], zeros.ToArray<float>());
        Assert.Equal(new long[] { 1, 1, 1 }, ones.ToArray<long>());
        Assert.Equal(new[] { 2.5, 2.5 }, full.ToArray<double>());
        Assert.Equal(0, scalar.Dim);
        Assert.Equal(7f, scalar.ToSingle());
        Assert.Equal(new long[] { 0, 1, 2, 3 }, range.ToArray<long>());
        Assert.Equal(0, empty.NumElements);
    }

    [Fact]
    public void Randn_SameSeed_SameSamples_DifferentSeed_Differs()
    {
        Torch.ManualSeed(123);
        using var a = Tensor.Randn([16]);
        Torch.ManualSeed(123);
        using var b = Tensor.Randn([16]);
        Torch.ManualSeed(124);
        using var c = Tensor.Randn([16]);

        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
        Assert.NotEqual(a.ToArray<float>(), c.ToArray<float>());
    }

    [Fact]
    public void Rand_Samples_LieInUnitInterval()
    {
        Torch.ManualSeed(7);
        using var t = Tensor.Rand([1000], DType.Float64);

        Assert.All(t.ToArray<double>(), v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void Zeros_NegativeDimension_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, -1]));
    }
}
