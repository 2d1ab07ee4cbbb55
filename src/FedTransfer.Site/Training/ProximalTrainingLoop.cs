using FedTransfer.Torch;
using FedTransfer.Torch.Data;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Optim;

namespace FedTransfer.Site.Training;

/// <summary>
/// Local epochs of AdamW on cross-entropy, optionally with the FedProx proximal term
/// <c>mu/2 · Σ‖w − w_global‖²</c> over the trainable tensors (Li et al. 2020, "Federated Optimization in Heterogeneous
/// Networks"), which keeps a site with skewed data from drifting far from the global adapter. Each step runs in its
/// own dispose scope and checks for cancellation first, so shutdown abandons training within one batch.
/// </summary>
internal static class ProximalTrainingLoop
{
    private const double ClipNorm = 1.0;

    /// <summary>Trains in place and returns the last epoch's mean loss and accuracy.</summary>
    public static (double Loss, double Accuracy) Train(Module model, IReadOnlyList<(string Name, Tensor Tensor)> trainable,
        IReadOnlyDictionary<string, Tensor> global, Dataset data, LocalHyperParameters hp, Device device, CancellationToken ct)
    {
        var parameters = trainable.Select(t => t.Tensor).ToArray();
        using var optimizer = new AdamW(parameters, hp.LearningRate, weightDecay: 0);
        double lossSum = 0;
        long correct = 0, count = 0;
        for (var epoch = 0; epoch < hp.Epochs; epoch++)
        {
            (lossSum, correct, count) = (0, 0, 0);
            foreach (var batch in data.Batches(hp.BatchSize, shuffle: true, SeededRandom.Derive(unchecked((ulong)hp.Seed), (ulong)epoch)))
            {
                ct.ThrowIfCancellationRequested();
                using var scope = Torch.Torch.NewDisposeScope();
                model.Train();
                var (inputs, labels) = ToTensors(batch, device);
                var logits = model.Forward(inputs);
                var loss = Functional.CrossEntropy(logits, labels);
                var objective = hp.FedProxMu > 0 ? loss.Add(ProximalTerm(trainable, global).Mul(hp.FedProxMu / 2)) : loss;
                optimizer.ZeroGrad();
                objective.Backward();
                Torch.Torch.ClipGradNorm(parameters, ClipNorm);
                optimizer.Step();
                using (Torch.Torch.NoGrad())
                    correct += logits.ArgMax(1).Eq(labels).Sum().ToInt64();
                lossSum += loss.ToSingle() * batch.Count;
                count += batch.Count;
            }
        }
        return count == 0 ? (double.NaN, double.NaN) : (lossSum / count, (double)correct / count);
    }

    /// <summary>Mean loss and accuracy over <paramref name="data"/>, in evaluation mode and without gradients.</summary>
    public static (double Loss, double Accuracy) Evaluate(Module model, Dataset data, int batchSize, Device device, CancellationToken ct)
    {
        model.Eval();
        double lossSum = 0;
        long correct = 0;
        using var noGrad = Torch.Torch.NoGrad();
        foreach (var batch in data.Batches(batchSize, shuffle: false))
        {
            ct.ThrowIfCancellationRequested();
            using var scope = Torch.Torch.NewDisposeScope();
            var (inputs, labels) = ToTensors(batch, device);
            var logits = model.Forward(inputs);
            lossSum += Functional.CrossEntropy(logits, labels).ToSingle() * batch.Count;
            correct += logits.ArgMax(1).Eq(labels).Sum().ToInt64();
        }
        return data.Count == 0 ? (double.NaN, double.NaN) : (lossSum / data.Count, (double)correct / data.Count);
    }

    /// <summary>Σ‖w − w_global‖² over the trainable tensors; the global copies carry no gradient.</summary>
    internal static Tensor ProximalTerm(IReadOnlyList<(string Name, Tensor Tensor)> trainable, IReadOnlyDictionary<string, Tensor> global)
    {
        Tensor? sum = null;
        foreach (var (name, w) in trainable)
        {
            var part = w.Sub(global[name]).Pow(2).Sum();
            sum = sum is null ? part : sum.Add(part);
        }
        return sum!;
    }

    private static (Tensor Inputs, Tensor Labels) ToTensors(DataBatch batch, Device device)
    {
        var inputs = Tensor.From(batch.Features.Span, batch.Shape);
        var labels = Tensor.From(batch.Labels.Span, batch.Count);
        return device.IsCuda ? (inputs.To(device), labels.To(device)) : (inputs, labels);
    }
}
