using FedTransfer.Torch.Data;

namespace FedTransfer.Torch.Training;

/// <summary>Turns data batches (managed float/long arrays) into input and label tensors on the training device.</summary>
public static class BatchTensors
{
    /// <summary>
    /// Creates [Count, ..row shape] float32 inputs and [Count] int64 labels on <paramref name="device"/>. The tensors join the
    /// current dispose scope like any other result.
    /// </summary>
    public static (Tensor Inputs, Tensor Labels) ToTensors(this DataBatch batch, Device device)
    {
        var inputs = Tensor.From(batch.Features.Span, batch.Shape);
        var labels = Tensor.From(batch.Labels.Span, batch.Count);
        if (!device.IsCuda)
            return (inputs, labels);
        // The CPU copies are released right away: a host-to-device step should not double the batch's footprint.
        using (inputs)
        using (labels)
            return (inputs.To(device), labels.To(device));
    }

    /// <summary>Evaluation batches of <paramref name="dataset"/> as tensors, each created when enumerated.</summary>
    public static IEnumerable<(Tensor Inputs, Tensor Labels)> TensorBatches(this Dataset dataset, int batchSize, Device device)
    {
        foreach (var batch in dataset.Batches(batchSize, shuffle: false))
            yield return batch.ToTensors(device);
    }
}
