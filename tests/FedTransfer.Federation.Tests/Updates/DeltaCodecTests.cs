using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Xunit.Abstractions;

namespace FedTransfer.Federation.Tests.Updates;

public class DeltaCodecTests(ITestOutputHelper output)
{
    // The demo's LoRA trainable set at r=8 on qkv|proj of a 4-block, 64-wide ViT with a 5-class head (shapes only).
    private static TrainableSet DemoLike() => Deltas.Set(
        [.. Enumerable.Range(0, 4).SelectMany(b => new (string, DType, long[])[]
        {
            ($"blocks.{b}.attn.proj.lora_a", DType.Float32, [8, 64]), ($"blocks.{b}.attn.proj.lora_b", DType.Float32, [64, 8]),
            ($"blocks.{b}.attn.qkv.lora_a", DType.Float32, [8, 64]), ($"blocks.{b}.attn.qkv.lora_b", DType.Float32, [192, 8]),
        }), ("head.bias", DType.Float32, [5]), ("head.weight", DType.Float32, [5, 64])]);

    private static IReadOnlyList<TensorRecord> Delta(TrainableSet set, int seed = 7, float scale = 0.02f) => Deltas.Random(set, seed, scale);

    [Theory]
    [InlineData(DeltaEncoding.Float32, 4)]
    [InlineData(DeltaEncoding.Float16, 2)]
    [InlineData(DeltaEncoding.BFloat16, 2)]
    [InlineData(DeltaEncoding.AffineInt8, 1)]
    public void Encode_DataBytes_AreElementsTimesWireSize(DeltaEncoding encoding, int bytesPerElement)
    {
        var set = DemoLike();

        var encoded = DeltaCodec.Encode(Delta(set), encoding);
        var bytes = encoded.Serialize();

        var header = SafeTensors.Read(bytes).Tensors;
        Assert.Equal(set.ParameterCount * bytesPerElement, header.Sum(t => (long)t.Data.Length));
        Assert.All(header, t => Assert.Equal(encoding.WireDType(DType.Float32), t.DType));
        Assert.Equal(encoding == DeltaEncoding.AffineInt8 ? 2 * set.Count : 0, encoded.Metadata.Count);
        output.WriteLine($"{encoding.ToText()}: {set.ParameterCount} parameters, data {set.ParameterCount * bytesPerElement} B, file {bytes.Length} B " +
                         $"({(double)bytes.Length / DeltaCodec.Encode(Delta(set), DeltaEncoding.Float32).Serialize().Length:P1} of float32)");
    }

    [Fact]
    public void Encode_Float32_KeepsTheRecordsAndAddsNoMetadata()
    {
        var delta = Delta(DemoLike());

        var encoded = DeltaCodec.Encode(delta, DeltaEncoding.Float32);

        Assert.Same(delta, encoded.Tensors);
        Assert.Empty(encoded.Metadata);
    }

    [Theory]
    [InlineData(DeltaEncoding.Float16, 4.8828125e-4, 2.98023223876953125e-8)] // half an ulp: 2^-11 relative for normals; half the subnormal spacing 2^-24
    [InlineData(DeltaEncoding.BFloat16, 3.90625e-3, 0.0)] // 2^-8; bfloat16 keeps float32's exponent range: no subnormal loss here
    public void RoundTrip_Float_WithinRelativeBound(DeltaEncoding encoding, double relative, double absolute)
    {
        var set = Deltas.Set(("w", DType.Float32, [2000]));
        var random = new Random(5);
        // Magnitudes from 1e-7 to 1e2, both signs: normals and float16 subnormals.
        var values = Enumerable.Range(0, 2000).Select(_ => (float)((random.Next(2) * 2 - 1) * Math.Pow(10, -7 + 9 * random.NextDouble()))).ToArray();
        var delta = new[] { TensorRecord.FromSingles("w", values, DType.Float32, 2000) };

        var back = Decode(DeltaCodec.Encode(delta, encoding), encoding, set);

        for (var i = 0; i < values.Length; i++)
        {
            var bound = Math.Max(relative * Math.Abs(values[i]), absolute);
            Assert.True(Math.Abs(back[i] - values[i]) <= bound, $"element {i}: {values[i]:R} came back as {back[i]:R} (bound {bound:E2})");
        }
    }

    [Fact]
    public void RoundTrip_Int8_EveryElementWithinHalfItsTensorsScale()
    {
        var set = DemoLike();
        var delta = Delta(set, seed: 11);

        var encoded = DeltaCodec.Encode(delta, DeltaEncoding.AffineInt8);
        var decoded = DecodeAll(encoded, DeltaEncoding.AffineInt8, set);

        var (parameters, error) = AffineInt8.ReadMetadata(encoded.Metadata, set.Tensors.Select(t => t.Name));
        Assert.Null(error);
        foreach (var original in delta)
        {
            var scale = parameters![original.Name].Scale;
            var x = original.ToSingles();
            var y = decoded[original.Name];
            for (var i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(y[i] - x[i]) <= scale / 2 + Math.Abs(x[i]) * 1.2e-7, $"{original.Name}[{i}]: {x[i]:R} came back as {y[i]:R}, scale {scale:R}");
        }
    }

    [Fact]
    public void Encode_Float16BeyondRange_RefusesNamingTensorAndRemedy()
    {
        var delta = new[] { TensorRecord.FromSingles("head.weight", [1f, 70000f], DType.Float32, 2) };

        var e = Assert.Throws<ArgumentException>(() => DeltaCodec.Encode(delta, DeltaEncoding.Float16));

        Assert.Contains("'head.weight' element 1", e.Message);
        Assert.Contains("bfloat16", e.Message);
    }

    [Theory]
    [InlineData(DeltaEncoding.Float16)]
    [InlineData(DeltaEncoding.BFloat16)]
    [InlineData(DeltaEncoding.AffineInt8)]
    public void Encoded_IsValidForItsEncodingOnly(DeltaEncoding encoding)
    {
        var set = DemoLike();
        var bytes = DeltaCodec.Encode(Delta(set), encoding).Serialize();

        foreach (var candidate in Enum.GetValues<DeltaEncoding>())
        {
            using var stream = new MemoryStream(bytes);
            var check = new UpdateValidator(set, candidate).Validate(stream, 10);
            Assert.True(check.IsValid == (candidate == encoding), $"{encoding} update judged by a {candidate} validator: {check.Reason}");
        }
    }

    [Fact]
    public void Validate_Int8WithoutMetadata_IsRejected()
    {
        var set = DemoLike();
        var encoded = DeltaCodec.Encode(Delta(set), DeltaEncoding.AffineInt8);

        var check = new UpdateValidator(set, DeltaEncoding.AffineInt8).Validate(encoded.Tensors, 10, metadata: null);

        Assert.False(check.IsValid);
        Assert.Contains("lacks its metadata", check.Reason);
    }

    [Fact]
    public void OpenDecoded_Float32_ReturnsTheSameStream()
    {
        var stream = new MemoryStream(Deltas.Bytes(Delta(DemoLike())));

        Assert.Same(stream, DeltaCodec.OpenDecoded(stream, DeltaEncoding.Float32, DemoLike(), "test"));
    }

    [Fact]
    public void OpenDecoded_IsAFloat32UpdateOfTheTrainableSet()
    {
        var set = DemoLike();
        using var stream = DeltaCodec.OpenDecoded(new MemoryStream(DeltaCodec.Encode(Delta(set), DeltaEncoding.AffineInt8).Serialize()),
            DeltaEncoding.AffineInt8, set, "test");

        Assert.True(new UpdateValidator(set).Validate(stream, 10).IsValid);
    }

    private static float[] Decode(EncodedDelta encoded, DeltaEncoding encoding, TrainableSet set) => DecodeAll(encoded, encoding, set).Single().Value;

    private static Dictionary<string, float[]> DecodeAll(EncodedDelta encoded, DeltaEncoding encoding, TrainableSet set)
    {
        using var stream = DeltaCodec.OpenDecoded(new MemoryStream(encoded.Serialize()), encoding, set, "test");
        return SafeTensors.EnumerateTensors(stream).ToDictionary(t => t.Name, t => t.ToSingles());
    }
}
