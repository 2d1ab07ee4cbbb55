using System.Runtime.InteropServices;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Updates;

public class FloatCodecTests
{
    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void FirstNonFinite_FindsNaNPastVectorBlocks(DType dtype)
    {
        var values = Enumerable.Range(0, 301).Select(i => i * 0.01f).ToArray();
        values[213] = float.NaN;
        values[250] = float.PositiveInfinity;
        var bytes = TensorRecord.FromSingles("t", values, dtype, values.Length).Data.Span;

        var index = FloatCodec.FirstNonFinite(bytes, dtype, out var isNaN);

        Assert.Equal(213, index);
        Assert.True(isNaN);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void FirstNonFinite_InfinityIsNotNaN(DType dtype)
    {
        var values = new float[70];
        values[69] = float.NegativeInfinity;
        var bytes = TensorRecord.FromSingles("t", values, dtype, values.Length).Data.Span;

        Assert.Equal(69, FloatCodec.FirstNonFinite(bytes, dtype, out var isNaN));
        Assert.False(isNaN);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void FirstNonFinite_AllFinite_ReturnsMinusOne(DType dtype)
    {
        var values = new[] { 0f, -0f, 1e-30f, -65000f, 3.5f, 1e-5f, 1e30f };
        if (dtype == DType.Float16) values[^1] = 65000f; // 1e30 would overflow to infinity in F16
        var bytes = TensorRecord.FromSingles("t", values, dtype, values.Length).Data.Span;

        Assert.Equal(-1, FloatCodec.FirstNonFinite(bytes, dtype, out _));
    }

    [Theory]
    [InlineData(DType.Float32, 1)]
    [InlineData(DType.Float32, 131)]
    [InlineData(DType.BFloat16, 3)]
    [InlineData(DType.BFloat16, 257)]
    [InlineData(DType.Float16, 65)]
    public void AccumulateScaled_MatchesScalarReference(DType dtype, int length)
    {
        var random = new Random(7);
        var x = TensorRecord.FromSingles("x", Enumerable.Range(0, length).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(), dtype, length);
        var sum = Enumerable.Range(0, length).Select(i => i * 0.25f).ToArray();
        var expected = sum.ToArray();
        var decoded = x.ToSingles();
        for (var i = 0; i < length; i++) expected[i] += decoded[i] * 3.5f;

        FloatCodec.AccumulateScaled(x.Data.Span, dtype, 3.5f, sum);

        Assert.Equal(expected, sum);
    }

    [Fact]
    public void AccumulateScaled_LengthMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => FloatCodec.AccumulateScaled(new byte[12], DType.Float32, 1f, new float[4]));
    }

    [Fact]
    public void Decode_EveryHalfBitPattern_MatchesHalfConversion()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (ushort)i).ToArray();
        var bytes = MemoryMarshal.AsBytes(bits.AsSpan()).ToArray();

        for (var i = 0; i < bits.Length; i++)
        {
            var expected = (float)BitConverter.UInt16BitsToHalf(bits[i]);
            Assert.Equal(expected, FloatCodec.Decode(bytes, DType.Float16, i));
        }
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void Encode_MatchesTensorRecordRounding(DType dtype)
    {
        var values = new[] { 1.00390625f, 1.0117188f, -2.7182817f, 1e-3f, 0f, 123.456f };
        var expected = TensorRecord.FromSingles("x", values, dtype, values.Length).Data.ToArray();
        var actual = new byte[expected.Length];

        FloatCodec.Encode(values, dtype, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Unsupported_DType_Throws()
    {
        Assert.False(FloatCodec.IsSupported(DType.Float64));
        Assert.Throws<NotSupportedException>(() => FloatCodec.FirstNonFinite(new byte[8], DType.Int64, out _));
    }
}
