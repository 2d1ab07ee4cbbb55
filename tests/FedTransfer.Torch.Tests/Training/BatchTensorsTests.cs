using FedTransfer.Torch.Data;
using FedTransfer.Torch.Training;

namespace FedTransfer.Torch.Tests.Training;

public sealed class BatchTensorsTests
{
    [Fact]
    public void ToTensors_Batch_GivesImagesAndInt64Labels()
    {
        var dataset = new Dataset(Enumerable.Range(0, 3 * 4).Select(i => (float)i).ToArray(), [1, 2, 2], [2, 0, 1], 3);
        using var scope = Torch.NewDisposeScope();

        var (inputs, labels) = dataset.Batches(3, shuffle: false).Single().ToTensors(Device.Cpu);

        Assert.Equal([3L, 1L, 2L, 2L], inputs.Shape);
        Assert.Equal(DType.Int64, labels.DType);
        Assert.Equal([2L, 0L, 1L], labels.ToArray<long>());
        Assert.Equal(11f, inputs.ToArray<float>()[^1]);
    }

    [Fact]
    public void TensorBatches_CoversEveryRowInOrder()
    {
        var dataset = new Dataset(new float[5 * 4], [1, 2, 2], [0, 1, 0, 1, 0], 2);
        using var scope = Torch.NewDisposeScope();

        var sizes = dataset.TensorBatches(2, Device.Cpu).Select(b => b.Labels.Shape[0]).ToArray();

        Assert.Equal([2L, 2L, 1L], sizes);
    }
}
