using FedTransfer.Weights.Serialization;

namespace FedTransfer.Weights.Tests.Serialization;

public sealed class SafeTensorsSchemaTests
{
    private static readonly SafeTensorsSchema Schema = new(
    [
        new TensorSpec("blocks.0.lora_a", DType.Float32, [4, 16]),
        new TensorSpec("blocks.0.lora_b", DType.Float32, [16, 4]),
        new TensorSpec("head.weight", DType.Float32, [5, 16]),
    ]);

    private static SafeTensorsFile File(params TensorRecord[] records) => SafeTensors.Read(SafeTensors.Serialize(records), "u.safetensors");

    private static TensorRecord Zeros(string name, DType dtype, params long[] shape) =>
        new(name, dtype, shape, new byte[shape.Aggregate(1L, (a, b) => a * b) * dtype.ElementSize()]);

    [Fact]
    public void Check_ConformingFile_NoViolations()
    {
        var file = File(Zeros("blocks.0.lora_a", DType.Float32, 4, 16), Zeros("blocks.0.lora_b", DType.Float32, 16, 4), Zeros("head.weight", DType.Float32, 5, 16));

        var violations = Schema.Check(file);

        Assert.Empty(violations);
        Schema.EnsureConforms(file);
    }

    [Fact]
    public void Check_EveryKindOfDeparture_NamesEachTensor()
    {
        var file = File(
            Zeros("blocks.0.lora_a", DType.Float16, 4, 16),
            Zeros("blocks.0.lora_b", DType.Float32, 4, 16),
            Zeros("extra.bias", DType.Float32, 3));

        var v = Schema.Check(file);

        Assert.Equal(
        [
            (SchemaViolationKind.Missing, "head.weight"),
            (SchemaViolationKind.Unexpected, "extra.bias"),
            (SchemaViolationKind.DTypeMismatch, "blocks.0.lora_a"),
            (SchemaViolationKind.ShapeMismatch, "blocks.0.lora_b"),
        ], v.Select(x => (x.Kind, x.TensorName)));
        Assert.Contains("has dtype F16, expected F32", v[2].Message);
        Assert.Contains("has shape [4, 16], expected [16, 4]", v[3].Message);
    }

    [Fact]
    public void Check_NonStrict_AllowsMissingAndUnexpected()
    {
        var file = File(Zeros("head.weight", DType.Float32, 5, 16), Zeros("other", DType.Int64, 1));

        var v = Schema.Check(file, allowMissing: true, allowUnexpected: true);

        Assert.Empty(v);
    }

    [Fact]
    public void Check_HeaderOnly_SameAsFile()
    {
        var bytes = SafeTensors.Serialize([Zeros("head.weight", DType.Float32, 5, 15)]);
        var header = SafeTensors.ReadHeader(new MemoryStream(bytes));

        var v = Schema.Check(header, allowMissing: true);

        Assert.Equal("head.weight", Assert.Single(v).TensorName);
    }

    [Fact]
    public void EnsureConforms_Mismatch_ThrowsNamingFileAndFirstTensor()
    {
        var file = File(Zeros("blocks.0.lora_a", DType.Float32, 4, 16), Zeros("blocks.0.lora_b", DType.Float32, 16, 4));

        var e = Assert.Throws<SafeTensorsSchemaException>(() => Schema.EnsureConforms(file));

        Assert.Equal("head.weight", e.TensorName);
        Assert.Contains("'u.safetensors'", e.Message);
        Assert.Contains("tensor 'head.weight' (F32 [5, 16]) is missing", e.Message);
        Assert.Single(e.Violations);
    }

    [Fact]
    public void Constructor_DuplicateSpec_Throws()
    {
        var spec = new TensorSpec("a", DType.Float32, [1]);

        Assert.Throws<ArgumentException>(() => new SafeTensorsSchema([spec, spec]));
    }
}
