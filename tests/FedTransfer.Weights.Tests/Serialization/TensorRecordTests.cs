using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class TensorRecordTests
{
    [Fact]
    public void Create_Floats_StoredLittleEndian()
    {
        var r = TensorRecord.Create<float>("w", [1f], 1);

        Assert.Equal(DType.Float32, r.DType);
        Assert.Equal(new byte[] { 0, 0, 0x80, 0x3F }, r.Data.ToArray());
    }

    [Fact]
    public void Create_WrongCount_ThrowsNamingTensor()
    {
        var e = Assert.Throws<ArgumentException>(() => TensorRecord.Create<long>("idx", [1L, 2L, 3L], 2, 2));

        Assert.Contains("'idx'", e.Message);
    }

    [Fact]
    public void ToArray_WrongType_Throws()
    {
        var r = TensorRecord.Create<long>("n", [4L], 1);

        var e = Assert.Throws<InvalidOperationException>(() => r.ToArray<float>());

        Assert.Contains("I64", e.Message);
    }

    [Fact]
    public void ToArray_Int64_RoundTrips()
    {
        long[] values = [long.MinValue, -1, 0, long.MaxValue];

        var back = TensorRecord.Create<long>("n", values, 2, 2).ToArray<long>();

        Assert.Equal(values, back);
    }

    [Theory]
    [InlineData(DType.Float32)]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float16)]
    [InlineData(DType.BFloat16)]
    public void FromSingles_ExactlyRepresentableValues_RoundTrip(DType dtype)
    {
        float[] values = [0f, -2.5f, 1024f, 0.375f];

        var back = TensorRecord.FromSingles("w", values, dtype, 4).ToSingles();

        Assert.Equal(values, back);
    }

    [Fact]
    public void FromSingles_BFloat16_RoundsToNearestEven()
    {
        // 1 + 2^-8 lies exactly between two bf16 values (1 and 1 + 2^-7): ties go to the even mantissa, 1.
        // 1 + 3·2^-9 is past the midpoint: it rounds up to 1 + 2^-7.
        float[] values = [1f + 1f / 256, 1f + 3f / 512, float.NaN];

        var back = TensorRecord.FromSingles("w", values, DType.BFloat16, 3).ToSingles();

        Assert.Equal(1f, back[0]);
        Assert.Equal(1f + 1f / 128, back[1]);
        Assert.True(float.IsNaN(back[2]));
    }

    [Fact]
    public void ToSingles_IntegerDType_Throws()
    {
        var r = TensorRecord.Create<int>("i", [1], 1);

        Assert.Throws<InvalidOperationException>(() => r.ToSingles());
    }

    [Fact]
    public void NumElements_ScalarIsOne()
    {
        var r = TensorRecord.Create<double>("s", [2.0]);

        Assert.Equal(1, r.NumElements);
        Assert.Equal("[]", r.ShapeText);
    }
}
