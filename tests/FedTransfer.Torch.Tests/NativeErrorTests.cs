using F = FedTransfer.Torch.Functional;

namespace FedTransfer.Torch.Tests;

/// <summary>libtorch failures surface as <see cref="TorchException"/> with libtorch's message; the process keeps working.</summary>
public sealed class NativeErrorTests
{
    [Fact]
    public void MatMul_ShapeMismatch_ThrowsWithShapesInMessage()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.Zeros([2, 3]);
        var b = Tensor.Zeros([2, 3]);

        var e = Assert.Throws<TorchException>(() => a.MatMul(b));

        Assert.Contains("2x3", e.Message);
        AssertStillWorks();
    }

    [Fact]
    public void MatMul_MixedDTypes_Throws()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.Zeros([2, 2]);
        var b = Tensor.Zeros([2, 2], DType.Int64);

        Assert.Throws<TorchException>(() => a.MatMul(b));
        AssertStillWorks();
    }

    [Fact]
    public void To_UnknownDTypeCode_ThrowsNamingTheCode()
    {
        using var t = Tensor.Zeros([1]);

        var e = Assert.Throws<TorchException>(() => t.To((DType)99));

        Assert.Contains("99", e.Message);
        AssertStillWorks();
    }

    [Fact]
    public void IndexSelect_OutOfRange_Throws()
    {
        using var scope = Torch.NewDisposeScope();
        var t = Tensor.Zeros([3, 2]);
        var index = Tensor.From([0L, 7L]);

        var e = Assert.Throws<TorchException>(() => t.IndexSelect(0, index));

        Assert.Contains("out of range", e.Message);
        AssertStillWorks();
    }

    [Fact]
    public void CrossEntropy_TargetOutOfRange_Throws()
    {
        using var scope = Torch.NewDisposeScope();
        var logits = Tensor.Zeros([2, 3]);
        var targets = Tensor.From([0L, 7L]);

        var e = Assert.Throws<TorchException>(() => F.CrossEntropy(logits, targets));

        Assert.Contains("7", e.Message);
        AssertStillWorks();
    }

    [Fact]
    public void Backward_NonScalar_Throws()
    {
        using var scope = Torch.NewDisposeScope();
        var x = Tensor.Ones([3]);
        x.RequiresGrad = true;
        var y = x.Mul(2);

        Assert.Throws<TorchException>(() => y.Backward());
        AssertStillWorks();
    }

    [Fact]
    public void Message_HasNoCppBacktrace()
    {
        using var scope = Torch.NewDisposeScope();
        var a = Tensor.Zeros([2, 3]);

        var e = Assert.Throws<TorchException>(() => a.Reshape(7));

        Assert.DoesNotContain("Exception raised from", e.Message);
        Assert.DoesNotContain("frame #", e.Message);
        Assert.True(e.Message.Split('\n').Length <= 4, e.Message);
    }

    [Fact]
    public void Errors_OnManyThreads_StayWithTheirThread()
    {
        var messages = new string[8];

        Parallel.For(0, messages.Length, i =>
        {
            using var scope = Torch.NewDisposeScope();
            var t = Tensor.Zeros([2, 3]);
            var e = Assert.Throws<TorchException>(() => t.Reshape(7 + i));
            messages[i] = e.Message;
        });

        for (var i = 0; i < messages.Length; i++)
        {
            Assert.Contains($"[{7 + i}]", messages[i]);
        }
    }

    private static void AssertStillWorks()
    {
        using var scope = Torch.NewDisposeScope();
        Assert.Equal(6f, Tensor.Ones([2, 3]).Sum().ToSingle());
    }
}
