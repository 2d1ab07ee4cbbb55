using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Updates;

public class UpdateValidatorTests
{
    private readonly TrainableSet _set = Deltas.Mixed();
    private UpdateValidator Validator => new(_set);

    private UpdateCheck ValidateBoth(IReadOnlyList<TensorRecord> tensors, long examples)
    {
        var inMemory = Validator.Validate(tensors, examples);
        using var stream = Deltas.ForwardOnly(Deltas.Bytes(tensors));
        var streamed = Validator.Validate(stream, examples);
        Assert.Equal(inMemory, streamed); // both paths must reach the same verdict
        return streamed;
    }

    [Fact]
    public void Validate_ExactTrainableSet_IsValid()
    {
        Assert.True(ValidateBoth(Deltas.Random(_set, seed: 1), 10).IsValid);
    }

    [Fact]
    public void Validate_UnexpectedName_RejectsNamingTensor()
    {
        var tensors = Deltas.Random(_set, seed: 1).Select(t => t.Name == "head.bias" ? t with { Name = "head.bais" } : t).ToArray();

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("head.bias", check.TensorName); // the missing name comes first
        Assert.Contains("'head.bias'", check.Reason);
        Assert.Contains("'head.bais'", check.Reason);
    }

    [Fact]
    public void Validate_ExtraTensor_RejectsNamingIt()
    {
        var tensors = Deltas.Random(_set, seed: 1).Append(TensorRecord.FromSingles("blocks.1.mlp.fc1.weight", [1f], DType.Float32, 1)).ToArray();

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("blocks.1.mlp.fc1.weight", check.TensorName);
        Assert.Contains("not expected", check.Reason);
    }

    [Fact]
    public void Validate_MissingTensor_RejectsNamingIt()
    {
        var tensors = Deltas.Random(_set, seed: 1).Where(t => t.Name != "head.weight").ToArray();

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("head.weight", check.TensorName);
        Assert.Contains("missing", check.Reason);
    }

    [Fact]
    public void Validate_WrongShape_RejectsWithBothShapes()
    {
        var tensors = Deltas.Random(_set, seed: 1)
            .Select(t => t.Name == "head.weight" ? TensorRecord.FromSingles(t.Name, new float[67 * 5], DType.Float32, 67, 5) : t).ToArray();

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("head.weight", check.TensorName);
        Assert.Contains("[67, 5]", check.Reason);
        Assert.Contains("[5, 67]", check.Reason);
    }

    [Fact]
    public void Validate_WrongDType_RejectsWithBothDTypes()
    {
        var tensors = Deltas.Random(_set, seed: 1)
            .Select(t => t.Name == "head.bias" ? TensorRecord.FromSingles(t.Name, t.ToSingles(), DType.Float32, t.Shape) : t).ToArray();

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("head.bias", check.TensorName);
        Assert.Contains("F32", check.Reason);
        Assert.Contains("F16", check.Reason);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "+Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Validate_NonFiniteValue_RejectsNamingTensorAndElement(float bad, string word)
    {
        var tensors = Deltas.WithValue(Deltas.Random(_set, seed: 1), "blocks.0.attn.qkv.lora_b", 100, bad);

        var check = ValidateBoth(tensors, 10);

        Assert.False(check.IsValid);
        Assert.Equal("blocks.0.attn.qkv.lora_b", check.TensorName);
        Assert.Contains($"element 100 is {word}", check.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Validate_NonPositiveExampleCount_Rejects(long examples)
    {
        var check = ValidateBoth(Deltas.Random(_set, seed: 1), examples);

        Assert.False(check.IsValid);
        Assert.Contains($"got {examples}", check.Reason);
    }

    [Fact]
    public void Validate_GarbageBytes_RejectsWithoutThrowing()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

        var check = Validator.Validate(stream, 10, "upload");

        Assert.False(check.IsValid);
        Assert.Contains("not valid safetensors", check.Reason);
    }

    [Fact]
    public void Validate_TruncatedPayload_Rejects()
    {
        var bytes = Deltas.Bytes(Deltas.Random(_set, seed: 1));
        using var stream = Deltas.ForwardOnly(bytes[..^4]);

        var check = Validator.Validate(stream, 10);

        Assert.False(check.IsValid);
        Assert.Contains("truncated", check.Reason);
    }
}
