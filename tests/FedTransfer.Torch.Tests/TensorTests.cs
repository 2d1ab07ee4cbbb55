using FedTransfer.Torch.Tests.Support;

namespace FedTransfer.Torch.Tests;

public sealed class TensorTests
{
    [Fact]
    public void Metadata_OfCreatedTensor_ReportsShapeDimCountDTypeAndDevice()
    {
        using var t = Tensor.Zeros([2, 3, 4], DType.Float64);

        Assert.Equal(new long[] { 2, 3, 4 }, t.Shape);
        Assert.Equal(3, t.Dim);
        Assert.Equal(24, t.NumElements);
        Assert.Equal(DType.Float64, t.DType);
        Assert.Equal(Device.Cpu, t.Device);
        Assert.Equal(4, t.Size(-1));
    }

    [Fact]
    public void Size_OutOfRangeDimension_ThrowsTorchException()
    {
        using var t = Tensor.Zeros([2, 3]);

        Assert.Throws<TorchException>(() => t.Size(5));
    }

    [Fact]
    public void Dispose_ThenUse_ThrowsObjectDisposedWithHint()
    {
        var t = Tensor.Ones([2]);

        t.Dispose();
        t.Dispose();

        Assert.True(t.IsDisposed);
        var e = Assert.Throws<ObjectDisposedException>(() => t.Shape);
        Assert.Contains("MoveToOuterScope", e.Message);
    }

    [Fact]
    public void ToString_DescribesShapeDTypeAndDevice()
    {
        using var t = Tensor.Zeros([2, 3], DType.Int64);

        Assert.Equal("Tensor[2, 3] int64 cpu", t.ToString());
    }

    [Fact]
    public void Alias_DisposedOriginal_AliasStillReadsSameData()
    {
        var original = Tensor.From([1f, 2f, 3f]);
        using var alias = original.Alias();

        original.Dispose();

        Assert.Equal(new[] { 1f, 2f, 3f }, alias.ToArray<float>());
    }

    [Collection(LiveTensorCollection.Name)]
    public sealed class Counting
    {
        [Fact]
        public void LiveTensorCount_CreateAndDispose_GoesUpThenBack()
        {
            var before = LiveTensorCollection.SettledCount();

            var t = Tensor.Ones([3]);
            var during = Torch.LiveTensorCount;
            t.Dispose();

            Assert.Equal(before + 1, during);
            Assert.Equal(before, Torch.LiveTensorCount);
        }

        [Fact]
        public void Finalizer_ForgottenTensor_FreesNativeHandle()
        {
            var before = LiveTensorCollection.SettledCount();

            CreateAndForget();
            var after = LiveTensorCollection.SettledCount();

            Assert.Equal(before, after);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void CreateAndForget()
        {
            for (var i = 0; i < 10; i++)
            {
                _ = Tensor.Ones([4]);
            }
        }
    }
}
