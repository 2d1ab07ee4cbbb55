using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Tests.Egress;

public sealed class EgressRulesTests
{
    [Fact]
    public void ToTrainableSet_WireDescription_KeepsNamesDTypesAndShapesSortedByName()
    {
        // Arrange
        var wire = new Contracts.V1.TrainableSet
        {
            Tensors =
            {
                new Contracts.V1.TensorSpec { Name = "z.bias", Dtype = TensorDType.Bf16, Shape = { 5 } },
                new Contracts.V1.TensorSpec { Name = "a.lora_a", Dtype = TensorDType.F16, Shape = { 2, 3 } },
            },
        };

        // Act
        var set = EgressRules.ToTrainableSet(wire);

        // Assert
        Assert.Equal(["a.lora_a", "z.bias"], set.Tensors.Select(t => t.Name));
        Assert.Equal([DType.Float16, DType.BFloat16], set.Tensors.Select(t => t.DType));
        Assert.Equal([2L, 3L], set.Tensors[0].Shape);
    }

    [Theory]
    [InlineData(TensorDType.Unspecified)]
    [InlineData(TensorDType.I64)]
    public void ToTrainableSet_UnusableDType_ThrowsFormatExceptionNamingTheTensor(TensorDType dtype)
    {
        // Arrange
        var wire = new Contracts.V1.TrainableSet { Tensors = { new Contracts.V1.TensorSpec { Name = "head.weight", Dtype = dtype, Shape = { 2 } } } };

        // Act
        var error = Assert.Throws<FormatException>(() => EgressRules.ToTrainableSet(wire));

        // Assert
        Assert.Contains("head.weight", error.Message);
    }

    [Fact]
    public void ToTrainableSet_Empty_IsRejected()
    {
        // Act / Assert
        Assert.Throws<FormatException>(() => EgressRules.ToTrainableSet(new Contracts.V1.TrainableSet()));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", false)]
    [InlineData("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", true)]
    public void IsDigest_AcceptsOnlyLowercaseSha256Hex(string text, bool expected)
    {
        // Act / Assert
        Assert.Equal(expected, EgressRules.IsDigest(text));
    }

    [Fact]
    public void CheckFetch_DigestNamedByAGrant_IsAllowedOthersAreNot()
    {
        // Arrange
        var grant = new TaskGrant("t", true, 1, null, new HashSet<string> { TestTasks.BackboneDigest });

        // Act
        var allowed = EgressRules.CheckFetch(TestTasks.BackboneDigest, 0, [grant]);
        var other = EgressRules.CheckFetch(TestTasks.AdapterDigest, 0, [grant]);
        var negative = EgressRules.CheckFetch(TestTasks.BackboneDigest, -1, [grant]);

        // Assert
        Assert.Null(allowed);
        Assert.Contains("not named by any task", other);
        Assert.Contains("negative", negative);
    }

    [Theory]
    [InlineData("", "display name")]
    [InlineData("cuda:x", "device")]
    public void CheckJoin_BadFields_SaysWhichField(string change, string expected)
    {
        // Arrange
        var join = TestTasks.Join();
        if (expected == "display name") join.DisplayName = change;
        else join.Device.Device = change;

        // Act
        var refusal = EgressRules.CheckJoin(join);

        // Assert
        Assert.NotNull(refusal);
        Assert.Contains(expected, refusal);
    }

    [Fact]
    public void CheckJoin_WellFormed_IsAllowed()
    {
        // Act / Assert
        Assert.Null(EgressRules.CheckJoin(TestTasks.Join()));
    }

    [Fact]
    public void CheckPull_SessionNotIssued_IsRefused()
    {
        // Act
        var noSession = EgressRules.CheckPull(new PullTaskRequest { SessionId = "s" }, null);
        var forged = EgressRules.CheckPull(new PullTaskRequest { SessionId = "s" }, "t");
        var tooLong = EgressRules.CheckPull(new PullTaskRequest { SessionId = "t", MaxWaitMs = 60001 }, "t");

        // Assert
        Assert.Contains("join first", noSession);
        Assert.Contains("not the one", forged);
        Assert.Contains("60000", tooLong);
    }

    private static ResultHeader HeaderWith(UpdateEncoding encoding)
    {
        var header = TestTasks.Header();
        header.UpdateEncoding = encoding;
        return header;
    }

    [Fact]
    public void CheckResult_Int8WithExactlyItsKeys_IsAllowed()
    {
        // Arrange
        var encoded = DeltaCodec.Encode(TestTasks.Delta(), DeltaEncoding.AffineInt8);

        // Act
        var verdict = EgressRules.CheckResult(HeaderWith(UpdateEncoding.AffineInt8), encoded.Serialize(), Grant(DeltaEncoding.AffineInt8), "session-1");

        // Assert
        Assert.Null(verdict);
        Assert.Equal(4, encoded.Metadata.Count);
    }

    [Fact]
    public void CheckResult_Int8WithAnExtraMetadataKey_IsRefused()
    {
        // Arrange
        var encoded = DeltaCodec.Encode(TestTasks.Delta(), DeltaEncoding.AffineInt8);
        var metadata = new Dictionary<string, string>(encoded.Metadata) { ["fedtransfer.q8.labels.scale"] = "3" };

        // Act
        var verdict = EgressRules.CheckResult(HeaderWith(UpdateEncoding.AffineInt8), SafeTensors.Serialize(encoded.Tensors, metadata),
            Grant(DeltaEncoding.AffineInt8), "session-1");

        // Assert
        Assert.Contains("'fedtransfer.q8.labels.scale' is not one the int8 encoding defines", verdict);
    }

    [Theory]
    [InlineData(DeltaEncoding.Float16, UpdateEncoding.Float16, null)]
    [InlineData(DeltaEncoding.BFloat16, UpdateEncoding.Bfloat16, null)]
    [InlineData(DeltaEncoding.Float32, UpdateEncoding.Float16, "update encoding")]
    [InlineData(DeltaEncoding.BFloat16, UpdateEncoding.Float16, "update encoding")]
    public void CheckResult_HeaderEncodingMustBeTheTasks(DeltaEncoding task, UpdateEncoding declared, string? expected)
    {
        // Arrange
        var payload = DeltaCodec.Encode(TestTasks.Delta(), task).Serialize();

        // Act
        var verdict = EgressRules.CheckResult(HeaderWith(declared), payload, Grant(task), "session-1");

        // Assert
        if (expected is null) Assert.Null(verdict);
        else Assert.Contains(expected, verdict);
    }

    [Fact]
    public void ToEncoding_Unknown_SaysToUpgrade()
    {
        // Act / Assert
        Assert.Equal(DeltaEncoding.AffineInt8, EgressRules.ToEncoding(UpdateEncoding.AffineInt8));
        Assert.Contains("upgrade the site", Assert.Throws<FormatException>(() => EgressRules.ToEncoding((UpdateEncoding)7)).Message);
    }

    private static TaskGrant Grant(DeltaEncoding encoding) =>
        new("task-1", true, 1, EgressRules.ToTrainableSet(TestTasks.Trainable()), new HashSet<string>(), encoding);

    private static ResultHeader Header(DeltaEncoding encoding) => HeaderWith((UpdateEncoding)(int)encoding);

    private static byte[] Encoded(DeltaEncoding encoding, Action<IDictionary<string, string>>? tamper = null)
    {
        var encoded = DeltaCodec.Encode(TestTasks.Delta(), encoding);
        var metadata = new Dictionary<string, string>(encoded.Metadata);
        tamper?.Invoke(metadata);
        return SafeTensors.Serialize(encoded.Tensors, metadata.Count == 0 ? null : metadata);
    }

    [Theory]
    [InlineData(DeltaEncoding.Float32)]
    [InlineData(DeltaEncoding.Float16)]
    [InlineData(DeltaEncoding.BFloat16)]
    [InlineData(DeltaEncoding.AffineInt8)]
    public void CheckResult_DeltaInTheTasksEncoding_MayGo(DeltaEncoding encoding) =>
        Assert.Null(EgressRules.CheckResult(Header(encoding), Encoded(encoding), Grant(encoding), "session-1"));

    [Fact]
    public void CheckResult_Float16TensorsUnderAFloat32Task_AreRefused() =>
        Assert.Contains("lora.a", EgressRules.CheckResult(Header(DeltaEncoding.Float32), Encoded(DeltaEncoding.Float16), Grant(DeltaEncoding.Float32), "session-1"));

    [Fact]
    public void CheckResult_HeaderEncodingOtherThanTheTasks_IsRefused() =>
        Assert.Contains("differs from the task's", EgressRules.CheckResult(Header(DeltaEncoding.Float16), Encoded(DeltaEncoding.Float16), Grant(DeltaEncoding.BFloat16), "session-1"));

    [Fact]
    public void CheckResult_Int8MetadataUnderAFloat16Task_IsRefused() =>
        Assert.Contains("carries metadata", EgressRules.CheckResult(Header(DeltaEncoding.Float16),
            SafeTensors.Serialize(DeltaCodec.Encode(TestTasks.Delta(), DeltaEncoding.Float16).Tensors, new Dictionary<string, string> { [AffineInt8.ScaleKey("lora.a")] = "0.5" }),
            Grant(DeltaEncoding.Float16), "session-1"));

    public static TheoryData<string, Action<IDictionary<string, string>>> Int8MetadataTampering => new()
    {
        { "not one the int8 encoding defines", m => m["note"] = "patient 17" },
        { "not one the int8 encoding defines", m => m[AffineInt8.KeyPrefix + "blocks.0.attn.qkv.weight.scale"] = "0.5" },
        { "lacks its metadata", m => m.Remove(AffineInt8.ZeroPointKey("lora.a")) },
        { "must be a finite number >= 0", m => m[AffineInt8.ScaleKey("head.bias")] = "patient" },
        { "canonical form", m => m[AffineInt8.ScaleKey("head.bias")] = " " + m[AffineInt8.ScaleKey("head.bias")] },
        { "canonical form", m => m[AffineInt8.ZeroPointKey("lora.a")] = "00" + m[AffineInt8.ZeroPointKey("lora.a")] },
    };

    [Theory]
    [MemberData(nameof(Int8MetadataTampering))]
    public void CheckResult_Int8MetadataBeyondItsScaleAndZeroPoint_IsRefused(string expected, Action<IDictionary<string, string>> tamper) =>
        Assert.Contains(expected, EgressRules.CheckResult(Header(DeltaEncoding.AffineInt8), Encoded(DeltaEncoding.AffineInt8, tamper), Grant(DeltaEncoding.AffineInt8), "session-1"));
}
