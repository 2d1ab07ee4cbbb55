using FedTransfer.Models.Data;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class BatchTensorsTests
{
    [Fact]
    public void ToTensors_Batch_GivesImagesAndInt64Labels()
    {
        var dataset = new Dataset(Enumerable.Range(0, 3 * 4).Select(i => (float)i).ToArray(), [1, 2, 2], [2, 0, 1], 3);
        using var scope = NewDisposeScope();

        var (inputs, labels) = dataset.Batches(3, shuffle: false).Single().ToTensors(CPU);

        Assert.Equal([3L, 1L, 2L, 2L], inputs.shape);
        Assert.Equal(ScalarType.Int64, labels.dtype);
        Assert.Equal([2L, 0L, 1L], labels.data<long>().ToArray());
        Assert.Equal(11f, inputs.data<float>().ToArray()[^1]);
    }

    [Fact]
    public void TensorBatches_CoversEveryRowInOrder()
    {
        var dataset = new Dataset(new float[5 * 4], [1, 2, 2], [0, 1, 0, 1, 0], 2);
        using var scope = NewDisposeScope();

        var sizes = dataset.TensorBatches(2, CPU).Select(b => b.Labels.shape[0]).ToArray();

        Assert.Equal([2L, 2L, 1L], sizes);
    }
}
