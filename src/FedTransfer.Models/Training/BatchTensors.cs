using System.Runtime.InteropServices;
using FedTransfer.Models.Data;
using static TorchSharp.torch;

namespace FedTransfer.Models.Training;

/// <summary>Turns data batches (managed float/long arrays) into input and label tensors on the training device.</summary>
public static class BatchTensors
{
    /// <summary>
    /// Creates [Count, ..row shape] float32 inputs and [Count] int64 labels on <paramref name="device"/>. The tensors join the
    /// current dispose scope like any other result.
    /// </summary>
    public static (Tensor Inputs, Tensor Labels) ToTensors(this DataBatch batch, Device device)
    {
        // One copy straight into native memory: the batch's managed buffers may be reused for the next batch.
        var inputs = empty(batch.Shape, ScalarType.Float32);
        MemoryMarshal.AsBytes(batch.Features.Span).CopyTo(inputs.bytes);
        var labels = empty([batch.Count], ScalarType.Int64);
        MemoryMarshal.AsBytes(batch.Labels.Span).CopyTo(labels.bytes);
        if (!device.IsCuda())
            return (inputs, labels);
        // The CPU copies are released right away: a host-to-device step should not double the batch's footprint.
        using (inputs)
        using (labels)
            return (inputs.to(device), labels.to(device));
    }

    /// <summary>Evaluation batches of <paramref name="dataset"/> as tensors, each created when enumerated.</summary>
    public static IEnumerable<(Tensor Inputs, Tensor Labels)> TensorBatches(this Dataset dataset, int batchSize, Device device)
    {
        foreach (var batch in dataset.Batches(batchSize, shuffle: false))
            yield return batch.ToTensors(device);
    }
}
