using FedTransfer.Contracts.V1;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Torch;

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
}
